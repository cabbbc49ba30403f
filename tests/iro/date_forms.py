"""People and allocation's forms with dates, for tests/core/test_date_input.py: how each
view builds its form."""

from iro.forms import NewChildDateForm

BUILDERS = {
    NewChildDateForm: lambda data: NewChildDateForm(data),
}
