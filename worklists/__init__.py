"""A person's day across the areas: deadlines, bookings, alerts, caseload, child record."""
