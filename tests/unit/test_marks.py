from newswatch.core.marks import marked_runs


def test_spans_become_marked_runs_in_order() -> None:
    assert marked_runs("arrest warrant issued", [(7, 14), (0, 6)]) == [
        ("arrest", True),
        (" ", False),
        ("warrant", True),
        (" issued", False),
    ]


def test_overlaps_merge_and_out_of_range_spans_are_clipped() -> None:
    assert marked_runs("abcdef", [(1, 3), (2, 4), (5, 99), (-3, 0), (4, 4)]) == [
        ("a", False),
        ("bcd", True),
        ("e", False),
        ("f", True),
    ]
    assert marked_runs("", [(0, 1)]) == []
    assert marked_runs("plain", []) == [("plain", False)]
