from django.contrib import admin

from reporting.models import Benchmark, PopulationEstimate


@admin.register(PopulationEstimate)
class PopulationEstimateAdmin(admin.ModelAdmin):
    list_display = ["year", "children_0_to_17", "source"]


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "comparator", "value"]
    list_filter = ["indicator", "comparator", "year"]
