"""What the annual report needs besides the case records: population and comparators."""

from django.db import models


class PopulationEstimate(models.Model):
    """The council's 0-17 population for a reporting year, entered by an administrator.

    Rates per 10,000 children use it. Which mid-year estimate DfE pairs with each 31 March
    is not confirmed, so the estimate's own year is stored beside it.
    """

    year = models.PositiveSmallIntegerField(
        unique=True, help_text="Reporting year: 2024 means 2024-25 (rates at 31 March 2025)."
    )
    children_0_to_17 = models.PositiveIntegerField()
    source = models.CharField(
        max_length=120, blank=True, help_text="e.g. ONS mid-2023 estimate, Census 2021 based."
    )

    class Meta:
        db_table = "core_populationestimate"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}: {self.children_0_to_17:,} children"


class Benchmark(models.Model):
    """A comparator's value for one indicator and year: region, statistical neighbours,
    England. Entered by an administrator and shown beside the council's own figure."""

    class Comparator(models.TextChoices):
        REGION = "region", "Region"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        ENGLAND = "england", "England"

    indicator = models.CharField(max_length=80, help_text="The figure's key, e.g. lac_rate.")
    year = models.PositiveSmallIntegerField()
    comparator = models.CharField(max_length=30, choices=Comparator.choices)
    value = models.DecimalField(max_digits=8, decimal_places=1)

    class Meta:
        db_table = "core_benchmark"
        ordering = ["indicator", "-year", "comparator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "comparator"], name="one_benchmark_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} {self.get_comparator_display()}: {self.value}"
