"""The contractor's staff, shared by the ServiceTitan and GHL sandboxes.

ServiceTitan's technicians and employees and GHL's users are generated from this one list so
that email matching between them has something real to match: most staff exist in both, a few
only in ServiceTitan (to be listed as unmatched), and one GHL user differs only in the case of
their email address.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffMember:
    first_name: str
    last_name: str
    email: str
    phone: str
    role: str          # "technician" or "employee" (office, sales, management)
    in_ghl: bool       # has a GHL user
    ghl_email: str = ""  # the address GHL holds, when it differs from ServiceTitan's

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


DOMAIN = "perfectcatch-hvac.example"

STAFF: tuple[StaffMember, ...] = (
    StaffMember("Marco", "Delgado", f"marco.delgado@{DOMAIN}", "+14075550101", "technician", True),
    StaffMember("Aisha", "Okafor", f"aisha.okafor@{DOMAIN}", "+14075550102", "technician", True),
    StaffMember("Björn", "Lindqvist", f"bjorn.lindqvist@{DOMAIN}", "+14075550103", "technician",
                True),
    StaffMember("Tran", "Nguyễn", f"tran.nguyen@{DOMAIN}", "+14075550104", "technician", True,
                ghl_email=f"Tran.Nguyen@{DOMAIN.upper()}"),
    StaffMember("Kevin", "O'Brien", f"kevin.obrien@{DOMAIN}", "+14075550105", "technician", False),
    StaffMember("Lucía", "Fernández", f"lucia.fernandez@{DOMAIN}", "+14075550106", "technician",
                True),
    StaffMember("Dwayne", "Carter", f"dwayne.carter@{DOMAIN}", "+14075550107", "technician", False),
    StaffMember("Priya", "Raman", f"priya.raman@{DOMAIN}", "+14075550108", "employee", True),
    StaffMember("Sam", "Whitfield", f"sam.whitfield@{DOMAIN}", "+14075550109", "employee", True),
    StaffMember("Chloé", "Martin", f"chloe.martin@{DOMAIN}", "+14075550110", "employee", True),
    StaffMember("Greg", "Polanski", f"greg.polanski@{DOMAIN}", "+14075550111", "employee", False),
    StaffMember("Yuki", "Tanaka", f"yuki.tanaka@{DOMAIN}", "+14075550112", "employee", True),
)

TECHNICIANS = tuple(s for s in STAFF if s.role == "technician")
EMPLOYEES = tuple(s for s in STAFF if s.role == "employee")
GHL_USERS = tuple(s for s in STAFF if s.in_ghl)
