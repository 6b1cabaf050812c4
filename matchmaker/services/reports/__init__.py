"""报表: programmes, statistics (DESIGN §9) over events and programmes, 考核, Excel and Word reports."""
