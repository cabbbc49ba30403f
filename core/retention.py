"""Where the layers beside the retention job plug their parts in (docs/adr/0013).

The retention job (`retention/`) sits in the layer of worklists, returns and reporting:
it reads every area below it, but may not import returns, whose kept returns and uploaded
files are also due on the schedule. Returns registers its parts here from its
AppConfig.ready(); the job calls every one registered.
"""

from core.plugins import Registry

# provider(*, child_ids: Sequence[int]) -> dict[str, int]: blank what the layer keeps
# that identifies these children (inside the job's transaction); rows changed per kind.
child_anonymisers = Registry("child anonymisers")

# provider(*, as_of: datetime.date, apply: bool) -> dict[str, int]: the stored files due
# to be deleted by `as_of`, counted, and deleted when `apply`.
stored_file_deleters = Registry("stored file deleters")
