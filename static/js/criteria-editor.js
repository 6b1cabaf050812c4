// Criteria editor: turns each textarea[data-criteria-editor] (criteria JSON, docs/formats.md) into
// groups (全部满足 / 满足其一 / 均不得满足) of rows (field / operator / value), keeps the textarea
// in sync for the form post, and asks the server for a plain-Chinese preview as the user edits.
// Without this script the textarea stays visible and the JSON can be edited directly.
"use strict";

(() => {
  const meta = document.getElementById("criteria-meta");
  if (!meta) return;
  const FIELDS = JSON.parse(meta.dataset.fields);
  const WORDS = JSON.parse(meta.dataset.operators);
  const OPS_BY_TYPE = JSON.parse(meta.dataset.operatorsByType);
  const PREVIEW_URL = meta.dataset.previewUrl;
  const FIELD = Object.fromEntries(FIELDS.map((f) => [f.key, f]));
  const SYMBOL = { ge: "≥", gt: ">", le: "≤", lt: "<", eq: "=", ne: "≠", in: "∈", nin: "∉", contains: "∋", true: "✓", false: "✗" };
  const OP_ORDER = ["ge", "gt", "le", "lt", "eq", "ne", "in", "nin", "contains", "true", "false"];
  const MODES = { all: "全部满足", any: "满足其一", not: "均不得满足" };
  const BASES = { stated: "政策原文", inferred: "推断", process: "机构审核（不自动判断）" };
  const csrf = () => (document.querySelector("input[name=csrftoken]") || {}).value || "";
  let counter = 0;

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };

  const freshId = (used) => {
    let id;
    do { id = `c${++counter}`; } while (used.has(id));
    used.add(id);
    return id;
  };

  // ---- values: the editor shows 万元 for money and 是/否 for booleans; JSON holds 元 and true/false
  const toJsonValue = (field, op, text) => {
    if (op === "true" || op === "false") return undefined;
    const one = (raw) => {
      const t = raw.trim();
      if (!field) return t;
      if (["money", "number", "percent"].includes(field.type)) {
        const n = Number(t);
        if (t === "" || Number.isNaN(n)) return t;  // the server says why, beside the row
        return field.type === "money" ? Math.round(n * 10000) : n;
      }
      if (field.type === "bool") return t === "是" ? true : t === "否" ? false : t;
      return t;
    };
    if (op === "in" || op === "nin") return text.split(/[、,，;；]/).filter((s) => s.trim()).map(one);
    return one(text);
  };
  const toText = (field, value) => {
    if (value === undefined || value === null) return "";
    const one = (v) => (field && field.type === "money" && typeof v === "number" ? String(v / 10000)
      : typeof v === "boolean" ? (v ? "是" : "否") : String(v));
    return Array.isArray(value) ? value.map(one).join("、") : one(value);
  };

  // ---- building the DOM
  function fieldSelect(selected) {
    const select = el("select", { class: "crit-field", "aria-label": "字段" });
    const groups = {};
    for (const f of FIELDS) {
      groups[f.group] = groups[f.group] || el("optgroup", { label: f.group });
      const option = el("option", { value: f.key, text: f.label + (f.unit ? `（${f.unit}）` : "") });
      if (f.key === selected) option.selected = true;
      groups[f.group].append(option);
    }
    Object.values(groups).forEach((g) => select.append(g));
    return select;
  }

  function fillOperators(select, field, selected) {
    select.replaceChildren();
    const allowed = OPS_BY_TYPE[field ? field.type : "number"] || [];
    for (const op of OP_ORDER.filter((o) => allowed.includes(o))) {
      const option = el("option", { value: op, text: `${SYMBOL[op]} ${WORDS[op]}` });
      if (op === selected) option.selected = true;
      select.append(option);
    }
  }

  function rowElement(node, used, sync) {
    const id = node.id && !used.has(node.id) ? (used.add(node.id), node.id) : freshId(used);
    const row = el("div", { class: "crit-row", "data-id": id });
    const process = node.basis === "process";
    const field = FIELD[node.field] || FIELDS[0];
    const fieldEl = fieldSelect(field.key);
    const opEl = el("select", { class: "crit-op", "aria-label": "比较方式" });
    fillOperators(opEl, field, node.op);
    const valueEl = el("input", { class: "crit-value", "aria-label": "数值", value: toText(field, node.value) });
    const unitEl = el("span", { class: "crit-unit" });
    const textEl = el("input", { class: "crit-text", "aria-label": "条款原文", placeholder: "条款原文（可选）", value: node.text || "" });
    const basisEl = el("select", { class: "crit-basis", "aria-label": "依据" });
    for (const [key, label] of Object.entries(BASES)) {
      const option = el("option", { value: key, text: label });
      if ((node.basis || "stated") === key) option.selected = true;
      basisEl.append(option);
    }
    const remove = el("button", { type: "button", class: "link-button danger", text: "删除" });
    const error = el("p", { class: "error crit-error", hidden: "" });
    const refresh = () => {
      const f = FIELD[fieldEl.value];
      const op = opEl.value;
      const valueless = op === "true" || op === "false";
      valueEl.hidden = valueless || basisEl.value === "process";
      fieldEl.hidden = opEl.hidden = basisEl.value === "process";
      unitEl.textContent = valueless || basisEl.value === "process" ? "" :
        (op === "in" || op === "nin" ? "多个用、分隔 " : "") + (f && f.unit ? f.unit : "");
      textEl.placeholder = basisEl.value === "process" ? "须审核的条件原文（必填）" : "条款原文（可选）";
    };
    fieldEl.addEventListener("change", () => { fillOperators(opEl, FIELD[fieldEl.value], opEl.value); refresh(); sync(); });
    for (const input of [opEl, basisEl]) input.addEventListener("change", () => { refresh(); sync(); });
    for (const input of [valueEl, textEl]) input.addEventListener("input", sync);
    remove.addEventListener("click", () => { row.remove(); sync(); });
    refresh();
    row.append(el("div", { class: "crit-inputs" }, fieldEl, opEl, valueEl, unitEl), el("div", { class: "crit-inputs" }, textEl, basisEl, remove), error);
    return row;
  }

  function groupElement(node, used, sync, isRoot) {
    let mode = "all";
    let children = [];
    if (node && node.all) { children = node.all; }
    else if (node && node.any) { mode = "any"; children = node.any; }
    else if (node && node.not) { mode = "not"; children = node.not.all && String(node.not.id).endsWith("-all") ? node.not.all : [node.not]; }
    else if (node) { children = [node]; }
    const id = node && (node.all || node.any || node.not) && node.id && !used.has(node.id) ? (used.add(node.id), node.id) : freshId(used);
    const group = el("div", { class: "crit-group", "data-id": id });
    const modeEl = el("select", { class: "crit-mode", "aria-label": "条件组" });
    for (const [key, label] of Object.entries(MODES)) {
      const option = el("option", { value: key, text: `以下条件${label}` });
      if (key === mode) option.selected = true;
      modeEl.append(option);
    }
    modeEl.addEventListener("change", sync);
    const list = el("div", { class: "crit-children" });
    for (const child of children) list.append(isGroup(child) ? groupElement(child, used, sync, false) : rowElement(child, used, sync));
    const addRow = el("button", { type: "button", class: "button small secondary", text: "＋ 条件" });
    const addGroup = el("button", { type: "button", class: "button small secondary", text: "＋ 条件组" });
    addRow.addEventListener("click", () => { list.append(rowElement({ field: FIELDS[0].key }, used, sync)); sync(); });
    addGroup.addEventListener("click", () => { list.append(groupElement({ all: [{ field: FIELDS[0].key }] }, used, sync, false)); sync(); });
    const head = el("div", { class: "crit-head" }, modeEl);
    if (!isRoot) {
      const remove = el("button", { type: "button", class: "link-button danger", text: "删除条件组" });
      remove.addEventListener("click", () => { group.remove(); sync(); });
      head.append(remove);
    }
    group.append(head, list, el("div", { class: "crit-add" }, addRow, addGroup), el("p", { class: "error crit-error", hidden: "" }));
    return group;
  }

  const isGroup = (node) => Boolean(node && (node.all || node.any || node.not));

  // ---- serialising the DOM back to the criteria JSON
  function serialize(element) {
    if (element.classList.contains("crit-row")) {
      const get = (cls) => element.querySelector(`.${cls}`).value;
      const id = element.dataset.id;
      const text = get("crit-text").trim();
      if (get("crit-basis") === "process") return { id, basis: "process", text };
      const field = FIELD[get("crit-field")];
      const op = get("crit-op");
      const node = { id, field: field.key, op };
      const value = toJsonValue(field, op, get("crit-value"));
      if (value !== undefined) node.value = value;
      if (text) node.text = text;
      if (get("crit-basis") !== "stated") node.basis = get("crit-basis");
      return node;
    }
    const id = element.dataset.id;
    const children = [...element.querySelector(":scope > .crit-children").children].map(serialize).filter(Boolean);
    if (!children.length) return null;
    const mode = element.querySelector(":scope > .crit-head > .crit-mode").value;
    if (mode === "not") return { id, not: children.length === 1 ? children[0] : { id: `${id}-all`, all: children } };
    return { id, [mode]: children };
  }

  function mount(textarea) {
    let tree = null;
    try { tree = textarea.value.trim() ? JSON.parse(textarea.value) : null; } catch (e) { return; }  // leave bad JSON to the server
    const used = new Set();
    const preview = el("pre", { class: "preview", "aria-live": "polite" });
    let timer = null;
    const sync = () => {
      const value = serialize(root);
      textarea.value = value ? JSON.stringify(value) : "";
      clearTimeout(timer);
      timer = setTimeout(() => showPreview(value), 250);
    };
    const root = groupElement(isGroup(tree) && !tree.not ? tree : (tree ? { all: [tree] } : { all: [] }), used, sync, true);
    const showProblems = (problems) => {
      for (const node of root.querySelectorAll(".crit-row, .crit-group")) {
        const error = node.querySelector(":scope > .crit-error");
        const message = problems[node.dataset.id];
        node.classList.toggle("has-error", Boolean(message));
        error.hidden = !message;
        error.textContent = message || "";
      }
    };
    async function showPreview(value) {
      if (!value) { preview.textContent = "无条件限制"; showProblems({}); return; }
      const response = await fetch(PREVIEW_URL, {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrftoken": csrf() },
        body: JSON.stringify({ criteria: value }),
      });
      const body = await response.json();
      showProblems(body.problems || {});
      preview.textContent = body.text || "条件有误，请按提示修改";
    }
    textarea.hidden = true;
    textarea.after(el("div", { class: "criteria-editor" }, root, el("p", { class: "preview-label", text: "规则预览（白话）" }), preview));
    showProblems(JSON.parse(textarea.dataset.problems || "{}"));
    textarea.value = tree ? JSON.stringify(serialize(root)) : "";
    showPreview(serialize(root));
  }

  document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("textarea[data-criteria-editor]").forEach(mount));
})();
