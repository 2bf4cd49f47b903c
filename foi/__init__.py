"""The FOI domain: laws, calendars, deadlines, lifecycle, letters, reply analysis.

Pure Python plus ``holidays``: nothing here touches a database, a network, the
environment or the wall clock. Clocks and calendars are passed in.
"""
