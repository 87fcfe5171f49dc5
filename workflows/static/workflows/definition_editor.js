/* The workflow definition editor: the trigger, conditions, steps and cancel rules as form
   controls, written back into the definition's JSON fields (the "Advanced" section) on every
   change, so the server validates and saves exactly what an import would give it. Errors from
   the server are placed next to the control they name (by the path each message starts with).
   What the editor offers comes from the registries (workflows/admin/editor.py). */
(function () {
  "use strict";
  const root = document.getElementById("definition-editor");
  if (!root) return;
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const schema = read("definition-editor-schema");
  const config = read("definition-editor-config");
  const serverErrors = read("definition-editor-errors");
  const form = root.closest("form");
  const JSON_FIELDS = ["trigger_conditions", "audience", "steps", "cancel_on"];
  const area = (name) => form && form.querySelector(`textarea[name="${name}"]`);
  const input = (name) => form && form.querySelector(`[name="${name}"]`);
  const editable = !config.readonly && !!area("steps");
  const stepTypes = Object.fromEntries(schema.step_types.map((t) => [t.type, t]));
  const eventEntity = Object.fromEntries(schema.events.map((e) => [e.value, e.entity]));
  let state = {};
  let problems = {};   // field → message, for JSON the editor could not read

  // ---- small DOM helpers ----------------------------------------------------------------
  function el(tag, attrs, ...children) {
    if (!editable && tag === "button") return document.createTextNode("");  // read-only
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "value" && value !== undefined && value !== null) {
        node.setAttribute("value", String(value)); continue;   // true/false are values here
      }
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false)
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    if (!editable && ["INPUT", "SELECT", "TEXTAREA"].includes(node.tagName))
      node.disabled = true;
    return node;
  }
  function select(options, value, attrs) {
    const node = el("select", attrs);
    for (const option of options) {
      const [v, label] = Array.isArray(option) ? option : [option, option];
      node.append(el("option", { value: v, selected: String(v) === String(value ?? "") }, label));
    }
    if (value && !options.some((o) => String(Array.isArray(o) ? o[0] : o) === String(value)))
      node.prepend(el("option", { value, selected: true }, value));
    return node;
  }
  let counter = 0;
  function row(label, control, help, path) {
    const field = ["INPUT", "SELECT", "TEXTAREA"].includes(control.tagName) ? control :
      control.querySelector(":scope > textarea, :scope > input, :scope > select");
    if (field && !field.id) field.id = `de-${++counter}`;
    return el("div", { class: "de-row", "data-path": path },
      el("label", { for: field ? field.id : null }, label), el("div", { class: "de-control" }, control,
        help ? el("div", { class: "help" }, help) : null));
  }
  function scalar(text) {
    const t = String(text).trim();
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (t === "true" || t === "false") return t === "true";
    return t;
  }
  function empty(value) {
    return value === undefined || value === null || value === "" ||
      (Array.isArray(value) && !value.length) ||
      (typeof value === "object" && !Array.isArray(value) && !Object.keys(value).length);
  }

  // ---- state <-> JSON fields -------------------------------------------------------------
  function load() {
    const data = editable ? {} : read("definition-editor-data");
    problems = {};
    for (const name of JSON_FIELDS) {
      if (!editable) { state[name] = data[name]; continue; }
      const text = area(name) ? area(name).value.trim() : "";
      try { state[name] = text ? JSON.parse(text) : null; } catch (e) {
        problems[name] = "this part of the JSON does not read as JSON: fix it in the advanced view";
        state[name] = null;
      }
    }
    state.trigger_conditions = state.trigger_conditions || {};
    state.audience = state.audience || {};
    state.steps = Array.isArray(state.steps) ? state.steps : (state.steps ? state.steps : []);
    state.cancel_on = state.cancel_on || [];
    state.trigger_kind = editable ? (input("trigger_kind").value || "event") : data.trigger_kind;
    state.trigger_event = editable ? input("trigger_event").value : data.trigger_event;
  }
  function save() {
    if (!editable) return;
    for (const name of JSON_FIELDS) {
      if (problems[name]) continue;
      area(name).value = JSON.stringify(state[name], null, 2);
    }
    input("trigger_kind").value = state.trigger_kind;
    input("trigger_event").value = state.trigger_event || "";
  }
  function changed() { save(); }
  function rebuild() { save(); render(); }

  function entity() {
    if (state.trigger_kind === "audience") return state.audience.entity || "";
    const first = (state.trigger_event || "").split(",")[0].trim();
    return eventEntity[first] || first.split(".")[0];
  }
  function fieldList(before) {
    // The entity's fields; in a step's rule also what the steps before it left
    // (steps.<id>.<output>, vars.<name>).
    const id = before === undefined ? "de-fields" : `de-fields-${before}`;
    let list = document.getElementById(id);
    if (!list) { list = el("datalist", { id }); document.body.append(list); }
    const earlier = before === undefined ? [] : state.steps.slice(0, before).flatMap((s) =>
      ((stepTypes[s.type] || {}).outputs || []).map((o) => `steps.${s.id}.${o}`).concat(
        s.type === "set" ? Object.keys(s.values || {}).map((k) => `vars.${k}`) : []));
    list.replaceChildren(...earlier.concat(schema.fields[entity()] || []).map((f) => el("option", { value: f })));
    return id;
  }

  // ---- rules as rows ---------------------------------------------------------------------
  function isLeaf(rule) { return rule && typeof rule === "object" && "field" in rule && !("has" in rule); }
  function rowsOf(rule) {
    if (!rule || !Object.keys(rule).length) return { mode: "all", rows: [] };
    if (isLeaf(rule)) return { mode: "all", rows: [rule] };
    const mode = "all" in rule ? "all" : ("any" in rule ? "any" : null);
    if (mode && Object.keys(rule).length === 1 && Array.isArray(rule[mode]) && rule[mode].every(isLeaf))
      return { mode, rows: rule[mode] };
    return null;
  }
  function ruleEditor(get, set, path, relative, before) {
    const parsed = rowsOf(get());
    if (!parsed) return jsonBox(get, set, path, "This rule nests groups or related records; " +
      "edit it as JSON here (or in the advanced view).");
    const { mode, rows } = parsed;
    const ops = Object.keys(schema.ops).concat(relative ? schema.relative_ops : []);
    const store = () => set(rows.length ? { [mode]: rows } : {});
    const box = el("div", { class: "de-rule", "data-path": path });
    const modeSelect = select([["all", "all of these are true"], ["any", "any of these is true"]],
      mode, { onchange: (e) => { set(rows.length ? { [e.target.value]: rows } : {}); rebuild(); } });
    if (rows.length > 1) box.append(el("div", { class: "de-mode" }, "Pass when ", modeSelect));
    rows.forEach((leaf, index) => {
      const at = `${path}.${mode}[${index}]`;
      const kind = relative && schema.relative_ops.includes(leaf.op) ? "period" : schema.ops[leaf.op];
      const value = el("input", {
        type: "text", class: "de-value", "data-path": `${at}.value`,
        placeholder: kind === "list" ? "a, b, c" : (kind === "period" ? "30d, 12mo" : "value"),
        value: Array.isArray(leaf.value) ? leaf.value.join(", ") : (leaf.value ?? ""),
        oninput: (e) => {
          const text = e.target.value;
          if (kind === "list") leaf.value = text.split(",").map((s) => s.trim()).filter(Boolean).map(scalar);
          else if (kind === "text" || kind === "period") leaf.value = text;
          else leaf.value = scalar(text);
          store(); changed();
        },
      });
      const bool = select([["true", "yes"], ["false", "no"]], String(leaf.value ?? true), {
        "data-path": `${at}.value`, onchange: (e) => { leaf.value = e.target.value === "true"; store(); changed(); },
      });
      box.append(el("div", { class: "de-leaf", "data-path": at },
        el("input", { type: "text", list: fieldList(before), value: leaf.field || "", class: "de-field",
          placeholder: "field", "data-path": `${at}.field`, "aria-label": "field",
          oninput: (e) => { leaf.field = e.target.value.trim(); store(); changed(); } }),
        select(ops, leaf.op, { "data-path": `${at}.op`, "aria-label": "operator", onchange: (e) => {
          leaf.op = e.target.value;
          const k = schema.ops[leaf.op];
          if (k === "none") delete leaf.value;
          else if (k === "bool") leaf.value = true;
          else if (k === "list" && !Array.isArray(leaf.value)) leaf.value = leaf.value === undefined ? [] : [leaf.value];
          else if (k !== "list" && Array.isArray(leaf.value)) leaf.value = leaf.value[0] ?? "";
          else if (leaf.value === undefined) leaf.value = "";
          store(); rebuild();
        } }),
        kind === "none" ? null : (kind === "bool" ? bool : value),
        el("button", { type: "button", class: "de-small", title: "remove this condition",
          onclick: () => { rows.splice(index, 1); store(); rebuild(); } }, "✕")));
    });
    box.append(el("button", { type: "button", class: "de-small", onclick: () => {
      rows.push({ field: "", op: "==", value: "" }); store(); rebuild();
    } }, rows.length ? "+ another condition" : "+ add a condition"));
    if (!rows.length) box.prepend(el("div", { class: "help" }, "No conditions: always passes."));
    return box;
  }
  function jsonBox(get, set, path, note) {
    const box = el("textarea", { rows: 6, cols: 80, class: "de-json", "data-path": path,
      onchange: (e) => {
        try { set(e.target.value.trim() ? JSON.parse(e.target.value) : {}); box.classList.remove("de-bad"); changed(); }
        catch (err) { box.classList.add("de-bad"); }
      } });
    box.value = JSON.stringify(get() ?? {}, null, 2);
    return el("div", {}, note ? el("div", { class: "help" }, note) : null, box);
  }

  // ---- step parameters by kind -----------------------------------------------------------
  function param(step, p, path) {
    const value = step[p.name];
    const put = (v) => { if (empty(v)) delete step[p.name]; else step[p.name] = v; changed(); };
    const at = `${path}.${p.name}`;
    const text = (attrs) => el("input", { type: "text", value: value ?? "", "data-path": at,
      oninput: (e) => put(e.target.value), ...attrs });
    switch (p.kind) {
      case "template":
        return el("textarea", { rows: 4, cols: 70, "data-path": at, oninput: (e) => put(e.target.value) }, value ?? "");
      case "sms": return smsBox(step, p, at, put);
      case "choice":
        return select((p.required && p.default ? [] : [["", "—"]]).concat(p.choices), value ?? "",
          { "data-path": at, onchange: (e) => put(e.target.value) });
      case "number":
        return text({ size: 6, oninput: (e) => put(e.target.value === "" ? "" : scalar(e.target.value)) });
      case "duration": return text({ size: 10, placeholder: "2d" });
      case "time": return text({ size: 6, placeholder: "09:00" });
      case "step":
        return select([["", "(the next step)"]].concat(state.steps.filter((s) => s !== step)
          .map((s) => [s.id, `${s.id} (${(stepTypes[s.type] || {}).label || s.type})`])), value ?? "",
          { "data-path": at, onchange: (e) => { put(e.target.value); } });
      case "rule": return ruleEditor(() => step[p.name], (v) => { step[p.name] = v; }, at, false,
        state.steps.indexOf(step));
      case "event":
        return select([["", "—"]].concat(schema.events.map((e) => [e.value, e.label])), value ?? "",
          { "data-path": at, onchange: (e) => put(e.target.value) });
      case "strings":
        return text({ size: 50, value: (value || []).join(", "),
          oninput: (e) => put(e.target.value.split(",").map((s) => s.trim()).filter(Boolean)) });
      case "groups": {
        const chosen = new Set(value || []);
        const names = [...new Set(schema.groups.concat(value || []))];
        return el("div", { "data-path": at }, names.map((name) => el("label", { class: "de-check" },
          el("input", { type: "checkbox", checked: chosen.has(name), onchange: (e) => {
            if (e.target.checked) chosen.add(name); else chosen.delete(name);
            put(names.filter((n) => chosen.has(n)));
          } }), " ", name)));
      }
      case "map": return mapBox(step, p, at);
      case "json": return jsonBox(() => step[p.name], (v) => { if (empty(v)) delete step[p.name]; else step[p.name] = v; }, at);
      default: return text({ size: 50 });
    }
  }
  function mapBox(step, p, at) {
    const pairs = Object.entries(step[p.name] || {});
    const store = () => { const m = Object.fromEntries(pairs.filter(([k]) => k)); if (empty(m)) delete step[p.name]; else step[p.name] = m; changed(); };
    return el("div", { "data-path": at }, pairs.map((pair, i) => el("div", { class: "de-leaf" },
      el("input", { type: "text", value: pair[0], placeholder: "name", oninput: (e) => { pair[0] = e.target.value.trim(); store(); } }),
      " → ", el("input", { type: "text", size: 40, value: pair[1], placeholder: "value", oninput: (e) => { pair[1] = e.target.value; store(); } }),
      el("button", { type: "button", class: "de-small", onclick: () => { pairs.splice(i, 1); store(); render(); } }, "✕"))),
    el("button", { type: "button", class: "de-small", onclick: () => { pairs.push(["", ""]); step[p.name] = Object.fromEntries(pairs); render(); } }, "+ add"));
  }
  function smsBox(step, p, at, put) {
    const preview = el("div", { class: "de-preview", "aria-live": "polite" });
    let timer = null;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const body = step[p.name] || "";
        if (!body.trim()) { preview.textContent = ""; return; }
        const url = `${config.preview_url}?entity=${encodeURIComponent(entity())}` +
          `&type=${encodeURIComponent(step.type)}&param=${encodeURIComponent(p.name)}` +
          `&body=${encodeURIComponent(body)}`;
        try {
          const data = await (await fetch(url, { credentials: "same-origin" })).json();
          if (data.error) { preview.replaceChildren(el("span", { class: "errornote" }, data.error)); return; }
          preview.replaceChildren(
            el("div", { class: "de-bubble" }, data.text || "(renders empty)"),
            el("div", { class: "help" }, `${data.characters} characters` +
              (data.segments === null ? "" : `, ${data.segments} segment(s)`) +
              (data.sample ? ` — as ${data.sample} would get it` : " — no record to try it on yet")));
        } catch (err) { preview.textContent = "preview unavailable"; }
      }, 250);
    };
    const box = el("textarea", { rows: 3, cols: 70, "data-path": at, oninput: (e) => { put(e.target.value); refresh(); } }, step[p.name] ?? "");
    refresh();
    return el("div", {}, box, preview);
  }

  // ---- sections --------------------------------------------------------------------------
  function triggerSection() {
    const options = [["", "— pick what starts it —"]];
    const groups = [el("optgroup", { label: "When an event happens" },
      schema.events.map((e) => el("option", { value: `event:${e.value}` }, e.label)))];
    groups.push(el("optgroup", { label: "Daily, for everyone in an audience (campaign)" },
      schema.entities.map((name) => el("option", { value: `audience:${name}` }, `audience of ${name.replace(/_/g, " ")} records`))));
    const current = state.trigger_kind === "audience" ? `audience:${state.audience.entity || ""}` : `event:${state.trigger_event || ""}`;
    const picker = select(options, "", { id: "de-trigger", "data-path": "trigger_event", onchange: (e) => {
      const [kind, value] = [e.target.value.split(":")[0], e.target.value.slice(e.target.value.indexOf(":") + 1)];
      if (kind === "audience") {
        state.trigger_kind = "audience"; state.trigger_event = "";
        state.audience = { ...state.audience, entity: value, rule: state.audience.rule || {} };
        state.trigger_conditions = {};
      } else { state.trigger_kind = "event"; state.trigger_event = value; state.audience = {}; }
      rebuild();
    } });
    picker.append(...groups);
    if ([...picker.querySelectorAll("option")].some((o) => o.value === current)) picker.value = current;
    else if (state.trigger_event) { picker.append(el("option", { value: current }, `${state.trigger_event} (as written)`)); picker.value = current; }
    const parts = [row("Starts when", picker, "the records it is about follow from this", "trigger_kind")];
    if (state.trigger_kind === "audience") {
      const a = state.audience;
      const put = (key, v) => { if (v === "" || v === null) delete a[key]; else a[key] = v; changed(); };
      parts.push(row("Who is in it", ruleEditor(() => a.rule, (v) => { a.rule = v; }, "audience.rule", true), null, "audience.rule"));
      parts.push(row("Keep out", ruleEditor(() => a.exclude, (v) => { a.exclude = v; }, "audience.exclude", true), null, "audience.exclude"));
      parts.push(row("Evaluated daily at", el("input", { type: "text", size: 6, value: a.at ?? schema.audience.defaults.at, "data-path": "audience.at", oninput: (e) => put("at", e.target.value) }), "business time zone", "audience.at"));
      parts.push(row("Enters", select(schema.audience.entry, a.entry ?? "once", { "data-path": "audience.entry", onchange: (e) => { put("entry", e.target.value); rebuild(); } }), null, "audience.entry"));
      if ((a.entry ?? "once") === "every_n_days")
        parts.push(row("Again after (days)", el("input", { type: "text", size: 6, value: a.entry_days ?? "", "data-path": "audience.entry_days", oninput: (e) => put("entry_days", e.target.value === "" ? null : scalar(e.target.value)) }), null, "audience.entry_days"));
      parts.push(row("At most a day", el("input", { type: "text", size: 6, value: a.daily_cap ?? "", placeholder: "no cap", "data-path": "audience.daily_cap", oninput: (e) => put("daily_cap", e.target.value === "" ? null : scalar(e.target.value)) }), null, "audience.daily_cap"));
      parts.push(row("End when leaving", el("input", { type: "checkbox", checked: !!a.end_when_leaving, "data-path": "audience.end_when_leaving", onchange: (e) => put("end_when_leaving", e.target.checked) }), "an instance ends when its record leaves the audience", "audience.end_when_leaving"));
    } else {
      parts.push(row("Only when", ruleEditor(() => state.trigger_conditions, (v) => { state.trigger_conditions = v; }, "trigger_conditions", false),
        "fields of the record; related records as customer.type, location.state", "trigger_conditions"));
    }
    return section("Trigger", "trigger", parts);
  }
  function stepsSection() {
    const cards = state.steps.map((step, index) => {
      const type = stepTypes[step.type];
      const path = `step '${step.id}'`;
      const controls = el("span", { class: "de-tools" },
        el("button", { type: "button", class: "de-small", title: "move up", disabled: index === 0, onclick: () => { move(index, -1); } }, "↑"),
        el("button", { type: "button", class: "de-small", title: "move down", disabled: index === state.steps.length - 1, onclick: () => { move(index, 1); } }, "↓"),
        el("button", { type: "button", class: "de-small", title: "remove this step", onclick: () => { state.steps.splice(index, 1); rebuild(); } }, "remove"));
      const body = [row("Step id", el("input", { type: "text", value: step.id || "", size: 20, "data-path": `steps[${index}].id`, onchange: (e) => { rename(step, e.target.value.trim()); rebuild(); } }), "other steps jump here by this name", `steps[${index}].id`)];
      if (type && type.declared) {
        for (const p of type.params) body.push(row(p.label + (p.required ? " *" : ""), param(step, p, path), p.help, `${path}.${p.name}`));
      } else {
        const { id, type: t, ...rest } = step;
        body.push(row("Parameters", jsonBox(() => rest, (v) => { for (const k of Object.keys(step)) if (!["id", "type"].includes(k)) delete step[k]; Object.assign(step, v); }, path,
          type ? "This step type has no form: its parameters as JSON." : `Unknown step type ${step.type}.`), null));
      }
      return el("fieldset", { class: "de-step module", "data-path": path },
        el("h3", { "data-path": `steps[${index}]` }, `${index + 1}. ${type ? type.label : step.type}`, controls), body);
    });
    const typePicker = select(schema.step_types.map((t) => [t.type, t.label]), "send_sms", { id: "de-new-step", "aria-label": "step type" });
    const add = el("div", { class: "de-add" }, "Add a step: ", typePicker, " ",
      el("button", { type: "button", id: "de-add-step", onclick: () => {
        const type = stepTypes[typePicker.value];
        const ids = new Set(state.steps.map((s) => s.id));
        let n = state.steps.length + 1, id;
        do { id = `${type.type}_${n++}`; } while (ids.has(id));
        const step = { id, type: type.type };
        for (const p of type.params) if (p.default !== null && p.default !== undefined) step[p.name] = p.default;
        state.steps.push(step); rebuild();
      } }, "Add"));
    return section("Steps, in order", "steps", cards.length ? cards : [el("p", { class: "help" }, "No steps yet: add the first one below.")], editable ? add : null);
  }
  function rename(step, id) {
    // Jumps to the step (then, else, timeout_goto, …) follow it to its new id.
    for (const other of state.steps) {
      for (const p of (stepTypes[other.type] || { params: [] }).params) {
        if (p.kind === "step" && other[p.name] === step.id && step.id) other[p.name] = id;
      }
    }
    step.id = id;
  }
  function move(index, by) {
    const [step] = state.steps.splice(index, 1);
    state.steps.splice(index + by, 0, step); rebuild();
  }
  function cancelSection() {
    const cards = state.cancel_on.map((rule, index) => {
      const at = `cancel_on[${index}]`;
      return el("div", { class: "de-cancel", "data-path": at },
        row("When", select([["", "— an event —"]].concat(schema.events.map((e) => [e.value, e.label])), rule.event, { "data-path": `${at}.event`, onchange: (e) => { rule.event = e.target.value; changed(); } }), null),
        row("Of the same", select(schema.scopes, rule.scope || "entity", { "data-path": `${at}.scope`, onchange: (e) => { if (e.target.value === "entity") delete rule.scope; else rule.scope = e.target.value; changed(); } }), "entity: the same record; customer: anything of the same customer"),
        row("Only when", ruleEditor(() => rule.conditions, (v) => { if (empty(v)) delete rule.conditions; else rule.conditions = v; }, `${at}.conditions`, false), null),
        editable ? el("button", { type: "button", class: "de-small", onclick: () => { state.cancel_on.splice(index, 1); rebuild(); } }, "remove this cancel rule") : null);
    });
    return section("Stop early (cancel rules)", "cancel_on",
      cards.length ? cards : [el("p", { class: "help" }, "Nothing stops a running instance early. Add a rule, e.g. when the estimate is sold.")],
      editable ? el("button", { type: "button", class: "de-small", onclick: () => { state.cancel_on.push({ event: "" }); rebuild(); } }, "+ add a cancel rule") : null);
  }
  function section(title, field, children, footer) {
    const messages = problems[field] ? [problems[field]] : [];
    return el("div", { class: "de-section", "data-path": field }, el("h2", {}, title),
      messages.length ? el("ul", { class: "errorlist" }, messages.map((m) => el("li", {}, m))) : null,
      children, footer);
  }

  // ---- server errors beside their control ------------------------------------------------
  function nearest(location) {
    for (let path = location; path;) {
      const at = `[data-path="${CSS.escape(path)}"]`;
      const found = root.querySelector(`input${at}, select${at}, textarea${at}`) ||
        root.querySelector(at);
      if (found) return found;
      const shorter = path.replace(/(\.[^.[\]]*|\[\d+\])$/, "");
      if (shorter === path) return null;
      path = shorter;
    }
    return null;
  }
  function placeErrors() {
    for (const [field, messages] of Object.entries(serverErrors)) {
      for (const message of messages) {
        const target = nearest(message.split(": ")[0]) ||
          root.querySelector(`[data-path="${CSS.escape(field)}"]`) || root;
        const list = el("ul", { class: "errorlist de-error" }, el("li", {}, message));
        if (["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) target.after(list);
        else target.append(list);
      }
    }
  }

  function render() {
    root.replaceChildren(triggerSection(), stepsSection(), cancelSection());
    if (!rendered) placeErrors();
  }
  let rendered = false;
  load();
  render();
  rendered = true;
  if (editable) {
    for (const name of JSON_FIELDS.concat(["trigger_kind", "trigger_event"])) {
      const field = input(name);
      if (field) field.addEventListener("change", () => { load(); render(); });
    }
    form.addEventListener("submit", save);
  }
})();
