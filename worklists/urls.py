"""A person's day: home, deadlines, the booking board and calendar feeds."""

from django.urls import path

from worklists.views import bench, home, schedule, search

urlpatterns = [
    path("", home.home, name="home"),
    path("deadlines/", home.deadline_list, name="deadlines"),
    path("search/", search.search, name="search"),
    path("schedule/", schedule.board, name="schedule"),
    path("schedule/week/", schedule.week, name="schedule_week"),
    path("calendar/<str:token>.ics", schedule.calendar_feed, name="calendar_feed"),
    # Served only with DEBUG or OVERSIGHT_BENCH_PAGES on (manage.py bench_pages).
    path("bench/bare/", bench.bare, name="bench_bare"),
]
