# The compiled matching kernel (_kernel.c): the same functions, with the same signatures, as
# its pure-Python twin (positional-only, as C functions are), whose definitions state them.
from newswatch.core.query._pure import Presearch as Presearch
from newswatch.core.query._pure import Program as Program
from newswatch.core.query._pure import fast_report as fast_report
from newswatch.core.query._pure import items as items
from newswatch.core.query._pure import new_presearch as new_presearch
from newswatch.core.query._pure import new_program as new_program
from newswatch.core.query._pure import original_offsets as original_offsets
from newswatch.core.query._pure import phrase_spans as phrase_spans
from newswatch.core.query._pure import positions as positions
from newswatch.core.query._pure import single_spans as single_spans
from newswatch.core.query._pure import token_offsets as token_offsets
from newswatch.core.query._pure import words as words
