"""The supervisor's day: day-end settlement, statistics, exports, ranking and staffing advice.

Domain code only: these modules read the database through sessions handed to them and return plain
dicts; the HTTP layer lives in server/api/report_routes.py.
"""
