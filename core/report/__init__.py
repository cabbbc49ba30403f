"""The annual IRO report and the Head of Service's dashboards.

`figure` is the shared shape of every count (the records behind it and the filter that
picks them); `catalogue` names every figure the report and the dashboard show;
`tables` lays the figures out as the sample report's tables; `charts` and `document`
draw and write them (SVG for the browser, PNG for Word, PDF).
"""
