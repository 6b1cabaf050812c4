"""Import and export of the registries (enterprises, needs, products, policies) as .xlsx and .json.

- `workbook`: refuse unsafe files before parsing, read rows, write text cells as text.
- `registries`: for each registry, its columns and how one row is checked, written and exported.
- `transfer`: all-or-nothing import with a per-row, per-column report, export, templates.
"""
