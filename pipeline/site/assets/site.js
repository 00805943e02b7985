// The dataset site's only script: sortable and filterable tables, and highlighting of the
// source lines a link names (#L12 or #L12-L14). No dependencies, no network.
"use strict";

function cellText(row, column) {
  return row.cells[column] ? row.cells[column].textContent.trim() : "";
}

// Empty cells sort last in either direction; numbers compare as numbers.
function compareCells(a, b, numeric) {
  if (a === "" || b === "") return (a === "") - (b === "");
  if (numeric) return Number(a) - Number(b);
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
}

function sortTable(table, header) {
  const column = header.cellIndex;
  const numeric = header.dataset.type === "number";
  const descending = header.getAttribute("aria-sort") === "ascending";
  for (const other of header.parentElement.cells) other.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((r1, r2) => {
    const a = cellText(r1, column);
    const b = cellText(r2, column);
    if (a === "" || b === "") return compareCells(a, b, numeric);
    const order = compareCells(a, b, numeric);
    return descending ? -order : order;
  });
  for (const row of rows) body.appendChild(row);
}

function filterTable(table, query, counter) {
  const needle = query.trim().toLowerCase();
  let shown = 0;
  for (const row of table.tBodies[0].rows) {
    const keep = needle === "" || row.textContent.toLowerCase().includes(needle);
    row.hidden = !keep;
    if (keep) shown += 1;
  }
  if (counter) counter.textContent = shown + " of " + table.tBodies[0].rows.length + " rows";
}

function setUpTables() {
  for (const table of document.querySelectorAll("table.data")) {
    for (const button of table.querySelectorAll("th button.sort")) {
      button.addEventListener("click", () => sortTable(table, button.parentElement));
    }
  }
  for (const input of document.querySelectorAll("input.filter")) {
    const table = document.getElementById(input.dataset.table);
    const counter = document.querySelector('.count[data-table="' + input.dataset.table + '"]');
    input.addEventListener("input", () => filterTable(table, input.value, counter));
  }
}

// CSS :target highlights a single line; a range has no element of its own, so it is marked here.
function highlightLines() {
  for (const line of document.querySelectorAll(".line.highlighted")) line.classList.remove("highlighted");
  const match = /^#L(\d+)(?:-L(\d+))?$/.exec(window.location.hash);
  if (!match) return;
  const first = Number(match[1]);
  const last = match[2] ? Number(match[2]) : first;
  for (let n = Math.min(first, last); n <= Math.max(first, last); n += 1) {
    const line = document.getElementById("L" + n);
    if (line) line.classList.add("highlighted");
  }
  const start = document.getElementById("L" + Math.min(first, last));
  if (start) start.scrollIntoView({ block: "center" });
}

document.addEventListener("DOMContentLoaded", () => {
  setUpTables();
  highlightLines();
});
window.addEventListener("hashchange", highlightLines);
