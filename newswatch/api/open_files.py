"""The API's open-file budget: ``api_max_connections`` connections each hold a file descriptor,
and the process needs some more for itself (its listening socket, Redis connections, logs).
At start the soft ``RLIMIT_NOFILE`` is raised as far as that needs (never past the hard
limit); a cap the hard limit cannot hold is a configuration error, not a server that stops
accepting anyone once its descriptors run out."""

from __future__ import annotations

import resource

# descriptors the API holds besides its clients' connections: the listening socket, two Redis
# clients and their pools, stdio, the event loop's own, with room to spare
RESERVED = 64


def needed(max_connections: int) -> int:
    return max_connections + RESERVED


def ensure_open_files(max_connections: int) -> str | None:
    """Raise the soft open-file limit to what ``max_connections`` needs; a problem (what,
    where, why) when the hard limit is too low, else None."""
    want = needed(max_connections)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= want:
        return None
    if hard != resource.RLIM_INFINITY and hard < want:
        fits = hard - RESERVED  # the most connections this hard limit holds (none when < 1)
        remedy = (
            f"lower api_max_connections to at most {fits} or raise the limit"
            if fits >= 1
            else f"raise the limit to at least {needed(1)}"
        )
        return (
            f"api_max_connections: {max_connections} connections need {want} open files "
            f"({RESERVED} kept for the API itself), but this process may open at most {hard} "
            f"(the hard limit, ulimit -Hn); {remedy}"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return None
