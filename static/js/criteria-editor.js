// Criteria editor: turns each textarea[data-criteria-editor] (criteria JSON, docs/formats.md) into
// groups (全部满足 / 满足其一 / 均不得满足) of rows (field / operator / value), keeps the textarea
// in sync for the form post, and asks the server for a plain-Chinese preview as the user edits.
// Formula rows (公式条件) compare an arithmetic expression on fields with a number: each term is a
// field, a number, a percentage or an operation (+ − × ÷, 较小值, 较大值) on further terms, built
// with selects — never typed as text (docs/formats.md, "Arithmetic").
// Without this script the textarea stays visible and the JSON can be edited directly.
"use strict";

(() => {
  const meta = document.getElementById("criteria-meta");
  if (!meta) return;
  const FIELDS = JSON.parse(meta.dataset.fields);
  const WORDS = JSON.parse(meta.dataset.operators);
  // The page's words for the editor's own labels, keyed by their Chinese (criteria_meta.html
  // writes them in the page's language); a word the page does not give stays Chinese.
  const STRINGS = JSON.parse(meta.dataset.strings || "{}");
  const T = (chinese) => STRINGS[chinese] || chinese;
  const unitSuffix = (unit) => (meta.dataset.language === "en" ? ` (${unit})` : `（${unit}）`);
  const OPS_BY_TYPE = JSON.parse(meta.dataset.operatorsByType);
  const PREVIEW_URL = meta.dataset.previewUrl;
  const FIELD = Object.fromEntries(FIELDS.map((f) => [f.key, f]));
  const SYMBOL = { ge: "≥", gt: ">", le: "≤", lt: "<", eq: "=", ne: "≠", in: "∈", nin: "∉", contains: "∋", true: "✓", false: "✗" };
  const OP_ORDER = ["ge", "gt", "le", "lt", "eq", "ne", "in", "nin", "contains", "true", "false"];
  const MODES = { all: T("以下条件全部满足"), any: T("以下条件满足其一"), not: T("以下条件均不得满足") };
  const BASES = { stated: T("政策原文"), inferred: T("推断"), process: T("机构审核（不自动判断）") };
  const EXPR_OPS = { add: T("相加 +"), sub: T("相减 −"), mul: T("相乘 ×"), div: T("相除 ÷"), min: T("取较小值"), max: T("取较大值") };
  const EXPR_SYMBOL = { add: "+", sub: "−", mul: "×", div: "÷", min: ",", max: "," };
  const TERM_KINDS = { field: T("字段"), number: T("数字"), percent: T("百分数"), op: T("运算") };
  const COMPARE_OPS = ["ge", "gt", "le", "lt", "eq", "ne"];
  const NUMERIC = FIELDS.filter((f) => ["money", "number", "percent"].includes(f.type));
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
      if (field.type === "bool") {  // 是/否 or the page's words for them, in any case
        const word = t.toLowerCase();
        return [T("是").toLowerCase(), "是"].includes(word) ? true : [T("否").toLowerCase(), "否"].includes(word) ? false : t;
      }
      return t;
    };
    if (op === "in" || op === "nin") return text.split(/[、,，;；]/).filter((s) => s.trim()).map(one);
    return one(text);
  };
  const toText = (field, value) => {
    if (value === undefined || value === null) return "";
    const one = (v) => (field && field.type === "money" && typeof v === "number" ? String(v / 10000)
      : typeof v === "boolean" ? (v ? T("是") : T("否")) : String(v));
    return Array.isArray(value) ? value.map(one).join("、") : one(value);
  };

  // ---- building the DOM
  function fieldSelect(selected) {
    const select = el("select", { class: "crit-field", "aria-label": T("字段") });
    const groups = {};
    for (const f of FIELDS) {
      groups[f.group] = groups[f.group] || el("optgroup", { label: f.group });
      const option = el("option", { value: f.key, text: f.label + (f.unit ? unitSuffix(f.unit) : "") });
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
    const opEl = el("select", { class: "crit-op", "aria-label": T("比较方式") });
    fillOperators(opEl, field, node.op);
    const valueEl = el("input", { class: "crit-value", "aria-label": T("数值"), value: toText(field, node.value) });
    const unitEl = el("span", { class: "crit-unit" });
    const textEl = el("input", { class: "crit-text", "aria-label": T("条款原文"), placeholder: T("条款原文（可选）"), value: node.text || "" });
    const basisEl = el("select", { class: "crit-basis", "aria-label": T("依据") });
    for (const [key, label] of Object.entries(BASES)) {
      const option = el("option", { value: key, text: label });
      if ((node.basis || "stated") === key) option.selected = true;
      basisEl.append(option);
    }
    const remove = el("button", { type: "button", class: "link-button danger", text: T("删除") });
    const error = el("p", { class: "error crit-error", hidden: "" });
    const refresh = () => {
      const f = FIELD[fieldEl.value];
      const op = opEl.value;
      const valueless = op === "true" || op === "false";
      valueEl.hidden = valueless || basisEl.value === "process";
      fieldEl.hidden = opEl.hidden = basisEl.value === "process";
      unitEl.textContent = valueless || basisEl.value === "process" ? "" :
        (op === "in" || op === "nin" ? T("多个用、分隔 ") : "") + (f && f.unit ? f.unit : "");
      textEl.placeholder = basisEl.value === "process" ? T("须审核的条件原文（必填）") : T("条款原文（可选）");
    };
    fieldEl.addEventListener("change", () => { fillOperators(opEl, FIELD[fieldEl.value], opEl.value); refresh(); sync(); });
    for (const input of [opEl, basisEl]) input.addEventListener("change", () => { refresh(); sync(); });
    for (const input of [valueEl, textEl]) input.addEventListener("input", sync);
    remove.addEventListener("click", () => { row.remove(); sync(); });
    refresh();
    row.append(el("div", { class: "crit-inputs" }, fieldEl, opEl, valueEl, unitEl), el("div", { class: "crit-inputs" }, textEl, basisEl, remove), error);
    return row;
  }

  // ---- formulas: the type of an expression (money | number | ratio | null), as the server infers it
  function exprType(expr) {
    if (typeof expr === "number") return null;
    if (!expr || typeof expr !== "object") return null;
    if ("percent" in expr) return "ratio";
    if ("field" in expr) {
      const f = FIELD[expr.field];
      return f ? ({ money: "money", number: "number", percent: "ratio" }[f.type] || null) : null;
    }
    const types = (expr.args || []).map(exprType);
    const typed = [...new Set(types.filter(Boolean))];
    if (["add", "sub", "min", "max"].includes(expr.op)) return typed.length === 1 ? typed[0] : null;
    if (expr.op === "mul") {
      const plain = typed.filter((t) => t !== "ratio");
      return plain.includes("money") ? "money" : plain.length ? "number" : typed.length ? "ratio" : null;
    }
    const [top, bottom] = types;
    if (!bottom || bottom === "ratio") return top || (bottom ? "ratio" : null);
    if (top === bottom) return "ratio";
    return top === "money" && bottom === "number" ? "money" : null;
  }

  function termElement(expr, sync) {
    const box = el("span", { class: "expr-term" });
    const sym = el("span", { class: "expr-sym", "aria-hidden": "true" });
    const kindEl = el("select", { class: "expr-kind", "aria-label": T("项的类型") });
    const initial = typeof expr === "number" ? "number" : expr && "percent" in expr ? "percent" : expr && expr.op ? "op" : "field";
    for (const [key, label] of Object.entries(TERM_KINDS)) {
      const option = el("option", { value: key, text: label });
      if (key === initial) option.selected = true;
      kindEl.append(option);
    }
    const body = el("span", { class: "expr-body" });
    const render = (kind, value) => {
      body.replaceChildren();
      if (kind === "field") {
        const select = el("select", { class: "expr-field", "aria-label": T("字段") });
        for (const f of NUMERIC) {
          const option = el("option", { value: f.key, text: f.label + (f.unit ? unitSuffix(f.unit) : "") });
          if (value && f.key === value.field) option.selected = true;
          select.append(option);
        }
        select.addEventListener("change", sync);
        body.append(select);
      } else if (kind === "number" || kind === "percent") {
        const shown = value === undefined || value === null ? "" : String(kind === "percent" ? value.percent : value);
        const input = el("input", { class: "expr-number", inputmode: "decimal", "aria-label": TERM_KINDS[kind], value: shown });
        input.addEventListener("input", sync);
        body.append(input, kind === "percent" ? el("span", { class: "crit-unit", text: "%" }) : null);
      } else {
        const opEl = el("select", { class: "expr-op", "aria-label": T("运算") });
        const op = value && value.op in EXPR_OPS ? value.op : "add";
        for (const [key, label] of Object.entries(EXPR_OPS)) {
          const option = el("option", { value: key, text: label });
          if (key === op) option.selected = true;
          opEl.append(option);
        }
        const args = el("span", { class: "expr-args" });
        for (const arg of (value && value.args) || [{ field: NUMERIC[0].key }, { field: NUMERIC[0].key }]) args.append(termElement(arg, sync));
        const more = el("button", { type: "button", class: "link-button", text: T("＋ 项") });
        const relabel = () => {
          const binary = ["sub", "div"].includes(opEl.value);
          while (binary && args.children.length > 2) args.lastElementChild.remove();
          [...args.children].forEach((child, i) => { child.querySelector(":scope > .expr-sym").textContent = i ? EXPR_SYMBOL[opEl.value] : ""; });
          more.hidden = binary;
        };
        opEl.addEventListener("change", () => { relabel(); sync(); });
        more.addEventListener("click", () => { args.append(termElement({ field: NUMERIC[0].key }, sync)); relabel(); sync(); });
        args.addEventListener("expr-removed", relabel);
        body.append(opEl, el("span", { class: "expr-paren", text: "(" }), args, el("span", { class: "expr-paren", text: ")" }), more);
        relabel();
      }
    };
    kindEl.addEventListener("change", () => {
      const defaults = { field: { field: NUMERIC[0].key }, number: undefined, percent: undefined, op: null };
      render(kindEl.value, defaults[kindEl.value]);
      sync();
    });
    const remove = el("button", { type: "button", class: "link-button danger expr-remove", "aria-label": T("删除此项"), text: "×" });
    remove.addEventListener("click", () => {
      const list = box.parentElement;
      if (!list || !list.classList.contains("expr-args") || list.children.length <= 2) return;  // an operation keeps two terms
      box.remove();
      list.dispatchEvent(new Event("expr-removed"));
      sync();
    });
    box.append(sym, kindEl, body, remove);
    render(initial, expr);
    return box;
  }

  function serializeTerm(box) {
    const kind = box.querySelector(":scope > .expr-kind").value;
    const body = box.querySelector(":scope > .expr-body");
    if (kind === "field") return { field: body.querySelector(":scope > .expr-field").value };
    if (kind === "number" || kind === "percent") {
      const text = body.querySelector(":scope > .expr-number").value.trim();
      const n = Number(text);
      const value = text === "" || Number.isNaN(n) ? text : n;  // the server says why, beside the row
      return kind === "percent" ? { percent: value } : value;
    }
    return { op: body.querySelector(":scope > .expr-op").value,
             args: [...body.querySelector(":scope > .expr-args").children].map(serializeTerm) };
  }

  const formulaUnit = (type) => ({ money: T("万元"), ratio: "%" }[type] || "");
  const formulaValue = (type, text) => {
    const t = text.trim();
    const n = Number(t);
    if (t === "" || Number.isNaN(n)) return t;
    return type === "money" ? Math.round(n * 10000) : n;
  };

  function formulaRowElement(node, used, sync) {
    const id = node.id && !used.has(node.id) ? (used.add(node.id), node.id) : freshId(used);
    const row = el("div", { class: "crit-row crit-formula", "data-id": id });
    const term = termElement(node.expr, sync);
    term.classList.add("expr-root");
    const opEl = el("select", { class: "crit-op", "aria-label": T("比较方式") });
    for (const op of COMPARE_OPS) {
      const option = el("option", { value: op, text: `${SYMBOL[op]} ${WORDS[op]}` });
      if (op === (node.op || "le")) option.selected = true;
      opEl.append(option);
    }
    const type = exprType(node.expr);
    const shown = typeof node.value === "number" && type === "money" ? String(node.value / 10000) : (node.value ?? "");
    const valueEl = el("input", { class: "crit-value", "aria-label": T("数值"), value: String(shown) });
    const unitEl = el("span", { class: "crit-unit", text: formulaUnit(type) });
    row.dataset.type = type || "";
    const textEl = el("input", { class: "crit-text", "aria-label": T("条款原文"), placeholder: T("条款原文（可选）"), value: node.text || "" });
    const remove = el("button", { type: "button", class: "link-button danger", text: T("删除") });
    remove.addEventListener("click", () => { row.remove(); sync(); });
    opEl.addEventListener("change", sync);
    for (const input of [valueEl, textEl]) input.addEventListener("input", sync);
    row.append(el("p", { class: "crit-formula-label", text: T("公式条件") }), el("div", { class: "crit-expr" }, term),
      el("div", { class: "crit-inputs" }, opEl, valueEl, unitEl),
      el("div", { class: "crit-inputs" }, textEl, remove), el("p", { class: "error crit-error", hidden: "" }));
    return row;
  }

  function serializeFormula(element) {
    const expr = serializeTerm(element.querySelector(".expr-root"));
    // the threshold's unit follows the formula's type: keep the number the author sees when it changes
    const type = exprType(expr);
    const unitEl = element.querySelector(":scope > .crit-inputs > .crit-unit");
    unitEl.textContent = formulaUnit(type);
    element.dataset.type = type || "";
    const node = { id: element.dataset.id, expr, op: element.querySelector(":scope > .crit-inputs > .crit-op").value,
                   value: formulaValue(type, element.querySelector(":scope > .crit-inputs > .crit-value").value) };
    const text = element.querySelector(".crit-text").value.trim();
    if (text) node.text = text;
    return node;
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
    const modeEl = el("select", { class: "crit-mode", "aria-label": T("条件组") });
    for (const [key, label] of Object.entries(MODES)) {
      const option = el("option", { value: key, text: label });
      if (key === mode) option.selected = true;
      modeEl.append(option);
    }
    modeEl.addEventListener("change", sync);
    const list = el("div", { class: "crit-children" });
    for (const child of children) {
      list.append(isGroup(child) ? groupElement(child, used, sync, false)
        : child.expr !== undefined ? formulaRowElement(child, used, sync) : rowElement(child, used, sync));
    }
    const addRow = el("button", { type: "button", class: "button small secondary", text: T("＋ 条件") });
    const addFormula = el("button", { type: "button", class: "button small secondary", text: T("＋ 公式条件") });
    addFormula.addEventListener("click", () => {
      const start = { op: "div", args: [{ field: FIELD.existing_debt ? "existing_debt" : NUMERIC[0].key }, { field: FIELD.revenue ? "revenue" : NUMERIC[0].key }] };
      list.append(formulaRowElement({ expr: start, op: "le", value: 50 }, used, sync));
      sync();
    });
    const addGroup = el("button", { type: "button", class: "button small secondary", text: T("＋ 条件组") });
    addRow.addEventListener("click", () => { list.append(rowElement({ field: FIELDS[0].key }, used, sync)); sync(); });
    addGroup.addEventListener("click", () => { list.append(groupElement({ all: [{ field: FIELDS[0].key }] }, used, sync, false)); sync(); });
    const head = el("div", { class: "crit-head" }, modeEl);
    if (!isRoot) {
      const remove = el("button", { type: "button", class: "link-button danger", text: T("删除条件组") });
      remove.addEventListener("click", () => { group.remove(); sync(); });
      head.append(remove);
    }
    group.append(head, list, el("div", { class: "crit-add" }, addRow, addFormula, addGroup), el("p", { class: "error crit-error", hidden: "" }));
    return group;
  }

  const isGroup = (node) => Boolean(node && (node.all || node.any || node.not));

  // ---- serialising the DOM back to the criteria JSON
  function serialize(element) {
    if (element.classList.contains("crit-formula")) return serializeFormula(element);
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
        const id = node.dataset.id;
        const nested = Object.keys(problems).find((key) => key.startsWith(`${id}.expr`));
        const message = problems[id] || (nested && problems[nested]);
        node.classList.toggle("has-error", Boolean(message));
        error.hidden = !message;
        error.textContent = message || "";
      }
    };
    async function showPreview(value) {
      if (!value) { preview.textContent = T("无条件限制"); showProblems({}); return; }
      const response = await fetch(PREVIEW_URL, {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrftoken": csrf() },
        body: JSON.stringify({ criteria: value }),
      });
      const body = await response.json();
      showProblems(body.problems || {});
      preview.textContent = body.text || T("条件有误，请按提示修改");
    }
    textarea.hidden = true;
    textarea.after(el("div", { class: "criteria-editor" }, root, el("p", { class: "preview-label", text: T("规则预览（白话）") }), preview));
    showProblems(JSON.parse(textarea.dataset.problems || "{}"));
    textarea.value = tree ? JSON.stringify(serialize(root)) : "";
    showPreview(serialize(root));
  }

  // ---- an amount formula (textarea[data-expr-editor]): one term builder and its plain-Chinese reading
  const LABEL_OF = (key) => (FIELD[key] ? FIELD[key].label : key);
  const PRECEDENCE = { add: 1, sub: 1, mul: 2, div: 2 };
  function renderExpr(expr, parent = 0, right = false) {
    if (typeof expr === "number" || typeof expr === "string") return String(expr);
    if (!expr || typeof expr !== "object") return "";
    if ("percent" in expr) return `${expr.percent}%`;
    if ("field" in expr) return LABEL_OF(expr.field);
    if (expr.op === "min" || expr.op === "max") return `${expr.op === "min" ? T("较小值") : T("较大值")}(${expr.args.map((a) => renderExpr(a)).join(", ")})`;
    const level = PRECEDENCE[expr.op];
    const text = expr.args.map((a, i) => renderExpr(a, level, i > 0 && (expr.op === "sub" || expr.op === "div"))).join(` ${EXPR_SYMBOL[expr.op]} `);
    return level < parent || (right && level === parent) ? `(${text})` : text;
  }

  function mountFormula(textarea) {
    let expr = null;
    try { expr = textarea.value.trim() ? JSON.parse(textarea.value) : null; } catch (e) { return; }  // bad JSON: the server says why
    const start = { op: "sub", args: [{ op: "mul", args: [{ percent: 50 }, { field: FIELD.valuation ? "valuation" : NUMERIC[0].key }] },
                                      { field: FIELD.existing_debt ? "existing_debt" : NUMERIC[0].key }] };
    const reading = el("p", { class: "preview amount-expr-preview", "aria-live": "polite" });
    let root = null;
    const sync = () => {
      const value = serializeTerm(root);
      textarea.value = JSON.stringify(value);
      const type = exprType(value);
      reading.textContent = `${T("额度")} = ${renderExpr(value)}` + (type === "money" ? "" : T("（结果须为金额）"));
    };
    root = termElement(expr || start, () => sync());
    root.classList.add("expr-root");
    textarea.hidden = true;
    textarea.after(el("div", { class: "crit-expr amount-expr" }, root), reading);
    sync();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("textarea[data-criteria-editor]").forEach(mount);
    document.querySelectorAll("textarea[data-expr-editor]").forEach(mountFormula);
  });
})();
