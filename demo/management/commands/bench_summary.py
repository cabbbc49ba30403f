"""Print the figures the benchmarks kept (`--figures FILE`) as one table: `make bench`."""

from django.core.management.base import BaseCommand, CommandError

from demo.bench_figures import figures_read, figures_table


class Command(BaseCommand):
    help = (
        "Print the figures each benchmark kept in FILE (given --figures FILE) as one table, "
        "each beside its target and whether it was met."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The figures file the benchmarks appended to")

    def handle(self, *args, file, **options):
        try:
            figures = figures_read(file)
        except FileNotFoundError as error:
            raise CommandError(f"{file}: no such figures file (run the benchmarks)") from error
        if not figures:
            raise CommandError(f"{file}: no figures in it")
        self.stdout.write("\n".join(figures_table(figures)))
