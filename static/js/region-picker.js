// Region picker: province → city → district selects (from the region table the page carries)
// that append the chosen "省/市/区" path to the regions text field. Without JavaScript the field
// stays a text box with the same paths as suggestions.
(function () {
  "use strict";
  function init() {
    var input = document.querySelector("input[data-region-picker]");
    var data = document.getElementById("region-tree");
    var labels = document.getElementById("region-picker-labels");
    if (!input || !data || !labels) return;
    var tree = JSON.parse(data.textContent);
    var box = document.createElement("div");
    box.className = "region-picker";
    function select(label) {
      var wrap = document.createElement("label");
      wrap.className = "region-level";
      var span = document.createElement("span");
      span.textContent = label;
      var sel = document.createElement("select");
      wrap.appendChild(span);
      wrap.appendChild(sel);
      box.appendChild(wrap);
      return sel;
    }
    function fill(sel, names) {
      sel.innerHTML = "";
      var blank = document.createElement("option");
      blank.value = "";
      blank.textContent = labels.dataset.choose;
      sel.appendChild(blank);
      names.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        sel.appendChild(option);
      });
      sel.disabled = names.length === 0;
    }
    var province = select(labels.dataset.province);
    var city = select(labels.dataset.city);
    var district = select(labels.dataset.district);
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button secondary";
    add.textContent = labels.dataset.add;
    box.appendChild(add);
    fill(province, Object.keys(tree));
    fill(city, []);
    fill(district, []);
    province.addEventListener("change", function () {
      fill(city, province.value ? Object.keys(tree[province.value]) : []);
      fill(district, []);
    });
    city.addEventListener("change", function () {
      fill(district, city.value ? tree[province.value][city.value] : []);
    });
    add.addEventListener("click", function () {
      if (!province.value) { province.focus(); return; }
      var path = [province.value, city.value, district.value].filter(Boolean).join("/");
      var current = input.value.split(/[、,，;；]+/).map(function (s) { return s.trim(); }).filter(Boolean);
      if (current.indexOf(path) < 0) current.push(path);
      input.value = current.join("、");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.insertAdjacentElement("afterend", box);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
