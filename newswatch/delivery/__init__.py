"""The delivery tier's parts: sending to channels (apprise URLs and signed webhooks),
deciding what goes where (the dispatcher), and feeds of alerts. The decisions themselves are
pure and live in :mod:`newswatch.core.delivery` and :mod:`newswatch.core.render`."""
