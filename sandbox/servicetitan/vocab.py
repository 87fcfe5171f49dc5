"""Word lists for the synthetic tenant: people, places, businesses and the price book.

Names deliberately include accents, apostrophes, hyphens and non-Latin scripts (José Muñoz,
Zoë, Nguyễn, 李) so that every consumer is exercised on real-world text.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Sandra", "Mark", "Ashley", "José", "María", "Zoë", "Chloé", "Renée", "Siobhán", "Björn",
    "Søren", "François", "Łukasz", "Ana", "Jürgen", "Mateo", "Sofía", "Thanh", "Minh", "Wei",
    "Mei", "Aaliyah", "DeShawn", "Priya", "Arjun", "Fatima", "Omar", "Keanu", "Leilani", "Noa",
    "Kai", "Mary-Kate", "Jean-Luc", "O'Neil", "Dolores", "Tomás", "Inés", "Aurélie", "Hana",
)

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Muñoz", "Nguyễn", "Trần", "Peña", "Ibáñez",
    "Müller", "Schröder", "O'Connor", "O'Brien", "McAllister", "Kowalski", "Wiśniewski",
    "Ólafsdóttir", "Kealoha", "Kahananui", "Smith-Jones", "García-Márquez", "Dubois",
    "Lefèvre", "Patel", "Okafor", "Kim", "Park", "Chen", "Wang", "Yamamoto", "Søndergaard",
)

# Whole names in scripts without a first/last split as Americans write it.
WHOLE_NAMES = ("李伟", "王芳", "김민준", "山田太郎", "Nguyễn Thị Hương", "Алексей Смирнов")

BUSINESS_PREFIXES = (
    "Sunrise", "Lakeside", "Palm Grove", "Desert Sky", "Aloha", "Peachtree", "Golden Gate",
    "Lone Star", "Rocky Mountain", "Bayfront", "Café", "Muñoz", "Nguyễn", "O'Malley's", "Zoë's",
    "Evergreen", "Harbor", "Magnolia", "Cypress", "Coral Reef",
)
BUSINESS_KINDS = (
    "Dental Group", "Property Management LLC", "Bakery", "Family Church", "Animal Hospital",
    "Realty", "Apartments", "Fitness Center", "Pediatrics", "Auto Repair", "Restaurant",
    "Self Storage", "Montessori School", "Hotel & Suites", "Law Offices", "Brewing Co.",
)

STREET_NAMES = (
    "Oak", "Maple", "Pine", "Cedar", "Elm", "Magnolia", "Palmetto", "Orange Blossom", "Lake",
    "Hillcrest", "Sunset", "Mission", "Saguaro", "Kalākaua", "Mānoa", "Peachtree", "Bayshore",
    "Cypress", "Willow", "Park", "Washington", "Lincoln", "Jefferson", "Colonial", "Sandlake",
)
STREET_SUFFIXES = ("St", "Ave", "Blvd", "Dr", "Ln", "Ct", "Way", "Rd", "Pl", "Cir")
UNITS = ("Apt 2B", "Unit 104", "Suite 300", "#12", "Apt 5", "Bldg C")


@dataclass(frozen=True)
class City:
    name: str
    state: str
    zip_prefix: str   # first three digits; two more come from the dice
    latitude: float
    longitude: float
    area_codes: tuple[str, ...]
    time_zone: str
    tax_rate: float   # combined sales tax rate, percent
    weight: int       # how many customers live there, relatively


# The contractor is in Central Florida; commercial accounts and snowbirds spread it out across
# time zones (Arizona keeps standard time all year, Hawaii has no DST at all).
CITIES = (
    City("Orlando", "FL", "328", 28.5383, -81.3792, ("407", "321"), "America/New_York", 6.5, 30),
    City("Kissimmee", "FL", "347", 28.2920, -81.4076, ("407", "689"), "America/New_York", 7.5, 12),
    City("Winter Park", "FL", "327", 28.6000, -81.3392, ("407",), "America/New_York", 6.5, 8),
    City("Tampa", "FL", "336", 27.9506, -82.4572, ("813", "656"), "America/New_York", 7.5, 8),
    City("Atlanta", "GA", "303", 33.7490, -84.3880, ("404", "470"), "America/New_York", 8.9, 4),
    City("Brooklyn", "NY", "112", 40.6782, -73.9442, ("718", "347"), "America/New_York", 8.875,
         3),
    City("Chicago", "IL", "606", 41.8781, -87.6298, ("312", "773"), "America/Chicago", 10.25, 4),
    City("Dallas", "TX", "752", 32.7767, -96.7970, ("214", "469"), "America/Chicago", 8.25, 4),
    City("Denver", "CO", "802", 39.7392, -104.9903, ("303", "720"), "America/Denver", 8.81, 3),
    City("Phoenix", "AZ", "850", 33.4484, -112.0740, ("602", "480"), "America/Phoenix", 8.6, 5),
    City("Tucson", "AZ", "857", 32.2226, -110.9747, ("520",), "America/Phoenix", 8.7, 2),
    City("Los Angeles", "CA", "900", 34.0522, -118.2437, ("213", "323"), "America/Los_Angeles",
         9.5, 4),
    City("San Diego", "CA", "921", 32.7157, -117.1611, ("619", "858"), "America/Los_Angeles",
         7.75, 2),
    City("Seattle", "WA", "981", 47.6062, -122.3321, ("206",), "America/Los_Angeles", 10.25, 2),
    City("Honolulu", "HI", "968", 21.3069, -157.8583, ("808",), "Pacific/Honolulu", 4.712, 3),
    City("Anchorage", "AK", "995", 61.2181, -149.9003, ("907",), "America/Anchorage", 0.0, 1),
)
CITY_WEIGHTS = tuple(city.weight for city in CITIES)

EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")


@dataclass(frozen=True)
class Sku:
    id: int
    name: str
    display_name: str
    kind: str          # Service | Material | Equipment
    price: float
    cost: float
    hours: float
    taxable: bool
    trade: str         # HVAC | Plumbing | Electrical, or "" for any trade


# The price book. Repairs land under $1,000, replacements well over it.
_H, _P, _E = "HVAC", "Plumbing", "Electrical"
PRICE_BOOK = tuple(Sku(*row) for row in (
    # id, name, display name, kind, price, cost, hours, taxable, trade
    (5001, "DIAG", "Diagnostic Fee", "Service", 89.0, 0.0, 0.5, False, ""),
    (5002, "TUNEUP-AC", "A/C Precision Tune-Up", "Service", 129.0, 15.0, 1.0, False, _H),
    (5003, "TUNEUP-HEAT", "Furnace Safety Inspection", "Service", 119.0, 12.0, 1.0, False, _H),
    (5004, "CAP-455", "Dual Run Capacitor 45/5 MFD", "Material", 185.0, 14.5, 0.5, True, _H),
    (5005, "CONT-30A", "Contactor 30A 2-Pole", "Material", 165.0, 11.0, 0.5, True, _H),
    (5006, "R410A-LB", "Refrigerant R-410A (per lb)", "Material", 95.0, 18.0, 0.25, True, _H),
    (5007, "FLUSH-DRAIN", "Condensate Drain Flush", "Service", 149.0, 5.0, 0.75, False, _H),
    (5008, "TXV", "TXV Valve Replacement", "Service", 895.0, 140.0, 3.0, True, _H),
    (5009, "BLOWER-MTR", "Blower Motor ECM 1/2 HP", "Material", 780.0, 310.0, 2.0, True, _H),
    (5010, "DRAIN-CLR", "Main Line Drain Clearing", "Service", 225.0, 10.0, 1.5, False, _P),
    (5011, "WH-50G", "Water Heater 50 Gal Gas Install", "Equipment", 1850.0, 720.0, 5.0, True,
     _P),
    (5012, "WH-TANKLESS", "Tankless Water Heater Install", "Equipment", 3900.0, 1450.0, 8.0,
     True, _P),
    (5013, "AC-3T-16", "16 SEER2 Heat Pump System 3 Ton", "Equipment", 8950.0, 3900.0, 12.0,
     True, _H),
    (5014, "AC-4T-18", "18 SEER2 Variable Speed System 4 Ton", "Equipment", 13400.0, 6100.0,
     14.0, True, _H),
    (5015, "DUCT-SEAL", "Duct Sealing (whole home)", "Service", 1200.0, 180.0, 6.0, False, _H),
    (5016, "PANEL-200A", "Panel Upgrade 200A", "Equipment", 2850.0, 900.0, 8.0, True, _E),
    (5017, "GFCI", "GFCI Outlet Install", "Material", 145.0, 12.0, 0.5, True, _E),
    (5018, "SURGE", "Whole Home Surge Protector", "Material", 495.0, 110.0, 1.0, True, _E),
    (5019, "IAQ-UV", "UV Air Purifier", "Equipment", 1100.0, 290.0, 2.0, True, _H),
    (5020, "THERMO-WIFI", "Smart Thermostat Install", "Material", 375.0, 140.0, 1.0, True, _H),
    (5021, "TRIP", "Trip Charge", "Service", 59.0, 0.0, 0.0, False, ""),
    (5022, "MAINT-VISIT", "Comfort Club Maintenance Visit", "Service", 35.0, 0.0, 0.5, False, ""),
))
# Indices into PRICE_BOOK by trade.
TRADES = ("HVAC", "Plumbing", "Electrical")
REPAIR_SKUS = {trade: tuple(i for i, s in enumerate(PRICE_BOOK)
                            if s.price < 1000 and s.trade in ("", trade)) for trade in TRADES}
REPLACEMENT_SKUS = {trade: tuple(i for i, s in enumerate(PRICE_BOOK)
                                 if s.price >= 1000 and s.trade == trade) for trade in TRADES}
REFRIGERANT = next(i for i, s in enumerate(PRICE_BOOK) if s.name == "R410A-LB")

EQUIPMENT_MODELS = (
    ("Carrier", "24ACC636A003", "Air Conditioner", "Condenser 3 Ton"),
    ("Trane", "XR16-036", "Heat Pump", "Heat Pump 3 Ton"),
    ("Lennox", "EL296V", "Furnace", "Gas Furnace 80k BTU"),
    ("Rheem", "XG50T06EC36U1", "Water Heater", "Water Heater 50 Gal"),
    ("Rinnai", "RU199iN", "Water Heater", "Tankless Water Heater"),
    ("Goodman", "GSXC180361", "Air Conditioner", "Condenser 3 Ton 18 SEER"),
    ("Daikin", "DZ17VSA361", "Heat Pump", "Inverter Heat Pump 3 Ton"),
    ("Honeywell", "TH9320WF5003", "Thermostat", "Wi-Fi Thermostat"),
    ("Square D", "HOM3060M200PC", "Electrical Panel", "200A Load Center"),
)
EQUIPMENT_TYPES = ("Air Conditioner", "Heat Pump", "Furnace", "Water Heater", "Thermostat",
                   "Electrical Panel")

JOB_SUMMARIES = (
    "A/C not cooling upstairs. Customer says it has been running all day.",
    "Annual maintenance per Comfort Club agreement.",
    "Water heater leaking from the bottom — <b>urgent</b>.",
    "Breaker keeps tripping in the kitchen.",
    "Customer wants a quote on replacing the 15-year-old system.",
    "Drain backing up in the basement shower.",
    "Thermostat blank, no power to the air handler.",
    "Strange noise from the outdoor unit; dog chewed the wiring?",
    "Follow-up: install the part ordered on the last visit.",
    "Tenant reports no hot water. Call the property manager before arriving.",
    "Zoë's café: walk-in cooler room too warm, check the rooftop unit.",
    "Estimate for a tankless water heater — customer is comparing quotes.",
)
SPECIAL_INSTRUCTIONS = (
    "Gate code 1234#", "Dog in the backyard — please call on arrival.",
    "Park in the driveway, not on the street.", "Side door; front door sticks.",
    "Customer speaks Spanish (habla español).", "Use the service entrance behind the building.",
)


@dataclass(frozen=True)
class BusinessUnit:
    name: str
    trade: str
    active: bool = True


BUSINESS_UNITS = (
    BusinessUnit("HVAC - Service", "HVAC"),
    BusinessUnit("HVAC - Install", "HVAC"),
    BusinessUnit("Plumbing - Service", "Plumbing"),
    BusinessUnit("Plumbing - Install", "Plumbing"),
    BusinessUnit("Electrical - Service", "Electrical"),
    BusinessUnit("Comfort Club Maintenance", "HVAC"),
    BusinessUnit("Water Treatment (legacy)", "Plumbing", active=False),
)


@dataclass(frozen=True)
class JobType:
    name: str
    business_unit: int   # index into BUSINESS_UNITS
    priority: str
    hours: int
    active: bool = True


JOB_TYPES = (
    JobType("A/C Repair", 0, "High", 2),
    JobType("Heating Repair", 0, "High", 2),
    JobType("A/C Tune-Up", 5, "Normal", 1),
    JobType("Furnace Tune-Up", 5, "Normal", 1),
    JobType("System Replacement Estimate", 1, "Normal", 1),
    JobType("System Install", 1, "Normal", 8),
    JobType("Water Heater Repair", 2, "High", 2),
    JobType("Water Heater Install", 3, "Normal", 5),
    JobType("Drain Cleaning", 2, "Urgent", 2),
    JobType("Electrical Troubleshoot", 4, "Normal", 2),
    JobType("Panel Upgrade", 4, "Normal", 8),
    JobType("Indoor Air Quality Consult", 0, "Low", 1),
    JobType("Warranty Callback", 0, "High", 1),
    JobType("Water Softener Service", 6, "Low", 1, active=False),
)


@dataclass(frozen=True)
class Campaign:
    name: str
    category: str
    source: str | None
    medium: str | None
    active: bool = True


CAMPAIGNS = (
    Campaign("Google Ads - Search", "Paid Search", "Google", "CPC"),
    Campaign("Google Local Services", "Paid Search", "Google", "LSA"),
    Campaign("Yelp", "Online Listings", "Yelp", "Listing"),
    Campaign("Customer Referral", "Referral", None, None),
    Campaign("Truck Wrap", "Offline", "Vehicle", "Signage"),
    Campaign("Existing Customer", "Existing Customer", None, None),
    Campaign("Comfort Club Renewal", "Existing Customer", "Email", "Email"),
    Campaign("Facebook - Spring Tune-Up", "Social", "Facebook", "Paid Social"),
    Campaign("Nextdoor", "Social", "Nextdoor", "Organic"),
    Campaign("Home Show 2023", "Events", "Home Show", "Event", active=False),
)

MEMBERSHIP_TYPES = ((7001, "Comfort Club Silver"), (7002, "Comfort Club Gold"),
                    (7003, "Commercial Maintenance Plan"))

ACTIVE_JOB_TYPES = tuple(i for i, kind in enumerate(JOB_TYPES) if kind.active)
ACTIVE_CAMPAIGNS = tuple(i for i, item in enumerate(CAMPAIGNS) if item.active)
# Job types whose invoices and estimates lead with equipment.
INSTALL_JOB_TYPES = frozenset(i for i, kind in enumerate(JOB_TYPES)
                              if any(word in kind.name for word in ("Install", "Replacement",
                                                                    "Panel")))
