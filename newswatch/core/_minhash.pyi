# The compiled MinHash (_minhash.c): neardup.shingle_hashes and neardup.minhash_values in one
# pass, with the same results.
def signature(tokens: list[str], width: int, a: bytes, b: bytes, /) -> tuple[bytes, int]:
    """(the minimum hashes, native-endian uint32 bytes; the number of distinct shingles)"""
