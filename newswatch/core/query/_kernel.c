/* The per-document hot path of topic matching, compiled: what ``_pure.py`` does in Python,
 * with the same results (the property tests run both against the reference evaluator).
 *
 * Every function takes and returns plain Python values (lists, dicts, sets, tuples, ints,
 * strings) and holds no state between calls; its work is bounded by the size of what it is
 * given (the document's tokens, the postings of its words), never by a query's text. The one
 * object with state is a Program (at the end): a matcher's terms, proximity searches and
 * topic code, which evaluates the candidate topics of a document (bytecode.py).
 *
 * Setting NEWSWATCH_PURE_PYTHON to anything but "" or "0" makes importing this module fail,
 * so that the pure-Python functions are used (kernel.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* asks for the memory at ``address`` to be brought near (where the compiler can) */
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define PREFETCH(address) ((void)(address))
#endif

/* FNV-1a: the hashes of words and prefixes the kernel keeps in tables of its own */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

/* makes room for ``need`` items of ``size`` bytes in ``*items`` (``*room`` of them now) */
static int
grow(void *items, Py_ssize_t *room, Py_ssize_t need, size_t size)
{
    if (need <= *room)
        return 0;
    Py_ssize_t more = *room ? *room : 16;
    while (more < need) {
        if (more > PY_SSIZE_T_MAX / 2 / (Py_ssize_t)size) {
            PyErr_NoMemory();
            return -1;
        }
        more *= 2;
    }
    void *grown = PyMem_Realloc(*(void **)items, (size_t)more * size);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *(void **)items = grown;
    *room = more;
    return 0;
}

/* positions(tokens) -> {word: [offsets ascending]}, words in order of first occurrence */
static PyObject *
kernel_positions(PyObject *module, PyObject *tokens)
{
    if (!PyList_Check(tokens)) {
        PyErr_SetString(PyExc_TypeError, "positions() takes a list of words");
        return NULL;
    }
    PyObject *found = PyDict_New();
    if (found == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(tokens); i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);  /* borrowed */
        PyObject *offset = PyLong_FromSsize_t(i);
        if (offset == NULL)
            goto fail;
        PyObject *where = PyDict_GetItemWithError(found, token);  /* borrowed */
        if (where != NULL) {
            int failed = PyList_Append(where, offset);
            Py_DECREF(offset);
            if (failed)
                goto fail;
            continue;
        }
        if (PyErr_Occurred()) {
            Py_DECREF(offset);
            goto fail;
        }
        where = PyList_New(1);
        if (where == NULL) {
            Py_DECREF(offset);
            goto fail;
        }
        PyList_SET_ITEM(where, 0, offset);  /* steals offset */
        int failed = PyDict_SetItem(found, token, where);
        Py_DECREF(where);
        if (failed)
            goto fail;
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

static int
compare_numbers(const void *a, const void *b)
{
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

static PyObject *
span(Py_ssize_t start, Py_ssize_t end)
{
    return Py_BuildValue("(nn)", start, end);
}

/* single_spans(offsets) -> [(p, p + 1) for p in offsets] */
static PyObject *
kernel_single_spans(PyObject *module, PyObject *offsets)
{
    if (!PyList_Check(offsets)) {
        PyErr_SetString(PyExc_TypeError, "single_spans() takes a list of offsets");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(offsets);
    PyObject *found = PyList_New(n);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t p = PyLong_AsSsize_t(PyList_GET_ITEM(offsets, i));
        if (p == -1 && PyErr_Occurred())
            goto fail;
        PyObject *item = span(p, p + 1);
        if (item == NULL)
            goto fail;
        PyList_SET_ITEM(found, i, item);
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

/* phrase_spans(present, positions, tokens, words) -> spans where the words (two or more, no
 * wildcard) stand one after the other: see program._phrase */
static PyObject *
kernel_phrase_spans(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "phrase_spans() takes 4 arguments");
        return NULL;
    }
    PyObject *present = args[0], *positions = args[1], *tokens = args[2], *words = args[3];
    if (!PyAnySet_Check(present) || !PyDict_Check(positions) || !PyList_Check(tokens)
        || !PyList_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "phrase_spans() takes a set, a dict and two lists");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(words);
    for (Py_ssize_t i = 0; i < n; i++) {
        int contained = PySet_Contains(present, PyList_GET_ITEM(words, i));
        if (contained < 0)
            return NULL;
        if (!contained)
            return PyList_New(0);
    }
    /* the word occurring least often (the first of those) */
    Py_ssize_t at = 0;
    PyObject *least = NULL;  /* borrowed */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *where = PyDict_GetItemWithError(positions, PyList_GET_ITEM(words, i));
        if (where == NULL) {
            if (PyErr_Occurred())
                return NULL;
            return PyList_New(0);  /* present in another field only */
        }
        if (!PyList_Check(where)) {
            PyErr_SetString(PyExc_TypeError, "positions must be lists");
            return NULL;
        }
        if (least == NULL || PyList_GET_SIZE(where) < PyList_GET_SIZE(least)) {
            at = i;
            least = where;
        }
    }
    PyObject *found = PyList_New(0);
    if (found == NULL)
        return NULL;
    Py_ssize_t count = PyList_GET_SIZE(tokens);
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(least); k++) {
        Py_ssize_t p = PyLong_AsSsize_t(PyList_GET_ITEM(least, k));
        if (p == -1 && PyErr_Occurred())
            goto fail;
        Py_ssize_t start = p - at;
        if (start < 0 || start + n > count)
            continue;
        int same = 1;
        for (Py_ssize_t i = 0; i < n && same; i++) {
            PyObject *token = PyList_GET_ITEM(tokens, start + i);
            PyObject *word = PyList_GET_ITEM(words, i);
            if (token == word)
                continue;
            int equal = PyObject_RichCompareBool(token, word, Py_EQ);
            if (equal < 0)
                goto fail;
            same = equal;
        }
        if (!same)
            continue;
        PyObject *item = span(start, start + n);
        if (item == NULL)
            goto fail;
        int failed = PyList_Append(found, item);
        Py_DECREF(item);
        if (failed)
            goto fail;
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

/* interned attribute names, made at import */
static PyObject *str_reports, *str_report, *str_topic, *str_matched, *str_highlights, *str_field, *str_start, *str_end,
    *str_text, *str_term, *str_title, *str_feed, *str_plain, *str_item_,
    *str_limits, *str_original, *str_original_offsets, *str_folded,
    *str_keeps_offsets;

/* 1 when instances of ``cls`` can be made by setting their slots (what its generated
 * __init__ does): no __post_init__ to run; VALUE_CLASS when besides it is a frozen dataclass
 * (its instances values: see keep_out); 0 when not; -1 on error */
#define VALUE_CLASS 2
static int
plain_class(PyObject *cls)
{
    PyObject *hook = PyObject_GetAttrString(cls, "__post_init__");
    if (hook != NULL) {
        Py_DECREF(hook);
        return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_AttributeError))
        return -1;
    PyErr_Clear();
    PyObject *params = PyObject_GetAttrString(cls, "__dataclass_params__");
    if (params == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        return 1;
    }
    PyObject *frozen = PyObject_GetAttrString(params, "frozen");
    Py_DECREF(params);
    int value = frozen != NULL ? PyObject_IsTrue(frozen) : -1;
    Py_XDECREF(frozen);
    if (value < 0) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        value = 0;
    }
    return value ? VALUE_CLASS : 1;
}

/* 1 when the cyclic collector need never look at ``value``: it refers to no object the
 * collector tracks (a str, an int), or it is a value left out of its reach by keep_out (a
 * tuple, or an instance of ``kept``, a frozen dataclass) */
static int
settled(PyObject *value, PyTypeObject *kept)
{
    if (!PyObject_IS_GC(value))
        return 1;
    return !PyObject_GC_IsTracked(value)
           && (PyTuple_CheckExact(value) || (kept != NULL && Py_TYPE(value) == kept));
}

/* Leaves ``made`` out of the cyclic collector's reach when every one of the ``n`` ``values``
 * it holds is settled, where ``made`` is a tuple, or an instance (made by new_frozen) of a
 * frozen dataclass: nothing can be put into it later, so it can be in no reference cycle, and
 * reference counting frees it as before. CPython does so for a tuple of atomic values at the
 * first collection that walks it; the kernel does it as it makes the results of a document
 * (highlights, words, TopicMatch), which would otherwise all be walked by the next young
 * collection (a thousand TopicMatch, 300 of each of the others per dense article of the
 * bench: a sixth of matching it). A frozen instance changed through object.__setattr__ to
 * hold a container is left uncollected in a cycle: a leak, never a fault. */
static void
keep_out(PyObject *made, PyObject *const *values, Py_ssize_t n, PyTypeObject *kept)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (!settled(values[i], kept))
            return;
    PyObject_GC_UnTrack(made);
}

/* ``tuple`` (NULL passed on), left out of the collector's reach when its items are settled
 * (instances of ``kept`` included) */
static PyObject *
settled_tuple(PyObject *tuple, PyTypeObject *kept)
{
    if (tuple != NULL && PyTuple_GET_SIZE(tuple) > 0)
        keep_out(tuple, ((PyTupleObject *)tuple)->ob_item, PyTuple_GET_SIZE(tuple), kept);
    return tuple;
}

/* the member descriptor ``name`` of ``cls`` (a class with __slots__), new reference */
static PyObject *
slot_of(PyObject *cls, PyObject *name)
{
    PyObject *descriptor = PyObject_GetAttr(cls, name);
    if (descriptor != NULL && Py_TYPE(descriptor)->tp_descr_set == NULL) {
        PyErr_Format(PyExc_TypeError, "%R is no slot", name);
        Py_CLEAR(descriptor);
    }
    return descriptor;
}


/* cls(*values) for a frozen dataclass with slots: made as its __init__ does (object.__new__,
 * then each slot set through its descriptor), without the cost of the frozen __init__'s
 * object.__setattr__ calls; ``slots``: the descriptors of the ``n`` fields, in order, or
 * NULL to call the class (see plain_class); ``value``: the class is a VALUE_CLASS, its
 * instance made here left out of the collector's reach when its values are settled */
static PyObject *
new_frozen(PyObject *cls, PyObject *const *slots, PyObject *const *values, Py_ssize_t n,
           int value)
{
    PyTypeObject *type = (PyTypeObject *)cls;
    if (slots == NULL || type->tp_new != PyBaseObject_Type.tp_new)
        return PyObject_Vectorcall(cls, values, (size_t)n, NULL);
    PyObject *empty = PyTuple_New(0);
    if (empty == NULL)
        return NULL;
    PyObject *made = type->tp_new(type, empty, NULL);
    Py_DECREF(empty);
    if (made == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        /* a slot of the instance (a member descriptor of its own class, writable, holding
         * an object): stored as PyMember_SetOne stores it, without the call through the
         * descriptor (a tenth of making a highlight) */
        if (Py_TYPE(slots[i]) == &PyMemberDescr_Type
            && PyObject_TypeCheck(made, PyDescr_TYPE(slots[i]))) {
            PyMemberDef *member = ((PyMemberDescrObject *)slots[i])->d_member;
            if (member->type == T_OBJECT_EX && !(member->flags & READONLY)) {
                PyObject **at = (PyObject **)((char *)made + member->offset);
                Py_XSETREF(*at, Py_NewRef(values[i]));
                continue;
            }
        }
        if (Py_TYPE(slots[i])->tp_descr_set(slots[i], made, values[i]) < 0) {
            Py_DECREF(made);
            return NULL;
        }
    }
    if (value)
        keep_out(made, values, n, NULL);
    return made;
}

/* ``text`` (ASCII) with its capitals lowered: what str.lower() gives for ASCII, without the
 * method's look-up by name */
static PyObject *
ascii_lower(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *lowered = PyUnicode_New(n, 127);
    if (lowered == NULL)
        return NULL;
    const Py_UCS1 *from = PyUnicode_1BYTE_DATA(text);
    Py_UCS1 *to = PyUnicode_1BYTE_DATA(lowered);
    for (Py_ssize_t i = 0; i < n; i++)
        to[i] = from[i] >= 'A' && from[i] <= 'Z' ? from[i] + ('a' - 'A') : from[i];
    return lowered;
}

/* whether ``text`` (ASCII) holds a capital: when not, it is its own lowered text */
static int
ascii_has_capital(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const Py_UCS1 *at = PyUnicode_1BYTE_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++)
        if (at[i] >= 'A' && at[i] <= 'Z')
            return 1;
    return 0;
}

/* ``text`` (ASCII) with every run of whitespace made one space and none at either end: what
 * text.normalize_whitespace gives (``\s`` and str.strip agree on ASCII: Py_UNICODE_ISSPACE) */
static PyObject *
ascii_spaced(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), kept = 0;
    const Py_UCS1 *from = PyUnicode_1BYTE_DATA(text);
    Py_UCS1 *buffer = PyMem_Malloc((size_t)(n ? n : 1));
    if (buffer == NULL)
        return PyErr_NoMemory();
    int space = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (Py_UNICODE_ISSPACE(from[i])) {
            space = 1;
            continue;
        }
        if (space && kept)
            buffer[kept++] = ' ';
        space = 0;
        buffer[kept++] = from[i];
    }
    PyObject *spaced = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, buffer, kept);
    PyMem_Free(buffer);
    return spaced;
}

/* what a report needs of a hit, made in C (an item of DocumentState._item without its
 * tuples): its place in article order (field number, first and last character), its
 * highlight, its words folded and as written (new references) */
typedef struct {
    long field, start, end;
    PyObject *light, *folded, *words;
} Made;

/* ``made`` for ASCII words found at tokens ``start`` to ``stop`` of a field (``info``: its
 * number, its text and the offsets of its tokens in that text; ``term``: the term as written,
 * ``name``: the field's name): see DocumentState._item (one word's text as it is, lowered;
 * more words' with their whitespace made single spaces, then lowered); 1 when made, 0 when
 * the text is not ASCII or the field's offsets do not reach that far (Python makes it
 * then), -1 on error */
static int
span_fill(Made *made, PyObject *term, PyObject *name, Py_ssize_t start, Py_ssize_t stop,
          PyObject *info, PyObject *cls, PyObject *const *slots, int value)
{
    /* info: (the field's number in article order, its text, its tokens' offsets there) */
    if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 3
        || !PyUnicode_Check(PyTuple_GET_ITEM(info, 1))
        || !(PyList_Check(PyTuple_GET_ITEM(info, 2)) || PyBytes_Check(PyTuple_GET_ITEM(info, 2)))) {
        PyErr_SetString(PyExc_TypeError, "a field is (number, text, bounds)");
        return -1;
    }
    PyObject *original = PyTuple_GET_ITEM(info, 1), *bounds = PyTuple_GET_ITEM(info, 2);
    /* bounds: a list of ints (FieldIndex.original_offsets), or packed (packed_bounds) */
    int packed = PyBytes_Check(bounds);
    Py_ssize_t size = packed ? PyBytes_GET_SIZE(bounds) / (Py_ssize_t)sizeof(Py_ssize_t)
                             : PyList_GET_SIZE(bounds);
    if (start < 0 || stop <= start || 2 * stop - 1 >= size)
        return 0;
    long order = PyLong_AsLong(PyTuple_GET_ITEM(info, 0));
    if (order == -1 && PyErr_Occurred())
        return -1;
    Py_ssize_t first, last;
    if (packed) {
        const char *at = PyBytes_AS_STRING(bounds);
        memcpy(&first, at + 2 * start * (Py_ssize_t)sizeof(Py_ssize_t), sizeof(Py_ssize_t));
        memcpy(&last, at + (2 * stop - 1) * (Py_ssize_t)sizeof(Py_ssize_t), sizeof(Py_ssize_t));
    }
    else {
        first = PyLong_AsSsize_t(PyList_GET_ITEM(bounds, 2 * start));
        last = PyLong_AsSsize_t(PyList_GET_ITEM(bounds, 2 * stop - 1));
        if ((first == -1 || last == -1) && PyErr_Occurred())
            return -1;
    }
    if (first < 0 || last < first || last > PyUnicode_GET_LENGTH(original)
        || first > LONG_MAX || last > LONG_MAX)
        return 0;
    PyObject *text = PyUnicode_Substring(original, first, last);
    if (text == NULL)
        return -1;
    if (!PyUnicode_IS_ASCII(text)) {  /* folded by fold(), in Python */
        Py_DECREF(text);
        return 0;
    }
    PyObject *words = NULL, *folded = NULL, *light = NULL;
    PyObject *begin = PyLong_FromSsize_t(first), *end = PyLong_FromSsize_t(last);
    if (begin == NULL || end == NULL)
        goto done;
    words = stop - start == 1 ? Py_NewRef(text) : ascii_spaced(text);
    if (words == NULL)
        goto done;
    folded = ascii_has_capital(words) ? ascii_lower(words) : Py_NewRef(words);
    if (folded == NULL)
        goto done;
    PyObject *values[5] = {name, begin, end, text, term};
    light = new_frozen(cls, slots, values, 5, value);
done:
    Py_XDECREF(end);
    Py_XDECREF(begin);
    Py_DECREF(text);
    if (light == NULL) {
        Py_XDECREF(folded);
        Py_XDECREF(words);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "span_fill failed");
        return -1;
    }
    made->field = order;
    made->start = (long)first;
    made->end = (long)last;
    made->light = light;
    made->folded = folded;
    made->words = words;
    return 1;
}

/* ``made`` as an item, (place, highlight, folded words, words); its references taken */
static PyObject *
made_item(Made *made)
{
    PyObject *place = Py_BuildValue("(lll)", made->field, made->start, -made->end);
    PyObject *item = place != NULL ? PyTuple_Pack(4, place, made->light, made->folded,
                                                  made->words)
                                   : NULL;
    Py_XDECREF(place);
    Py_CLEAR(made->light);
    Py_CLEAR(made->folded);
    Py_CLEAR(made->words);
    return item;
}

/* the item of ASCII words found at tokens ``start`` to ``end`` of a field: see span_fill;
 * NULL without an error set when Python makes it */
static PyObject *
span_item(PyObject *hit, Py_ssize_t start, Py_ssize_t stop, PyObject *info, PyObject *cls,
          PyObject *const *slots, int value)
{
    Made made;
    int done = span_fill(&made, PyTuple_GET_ITEM(hit, 0), PyTuple_GET_ITEM(hit, 1), start, stop,
                         info, cls, slots, value);
    return done > 0 ? made_item(&made) : NULL;
}

/* the item of ``hit`` (new reference): from ``cache``, else made here when it is ASCII words
 * of a field of ``fields`` (and kept in ``cache``), else made by ``make``; see _pure.items */
static PyObject *
item_of(PyObject *hit, PyObject *cache, PyObject *fields, PyObject *cls, PyObject *const *slots,
        int value, PyObject *make)
{
    PyObject *item = PyDict_GetItemWithError(cache, hit);  /* borrowed */
    if (item != NULL)
        return Py_NewRef(item);
    if (PyErr_Occurred())
        return NULL;
    /* a hit: (term as written, field, (start, end)) */
    PyObject *info = NULL;
    Py_ssize_t start = -1, end = -1;
    if (PyTuple_Check(hit) && PyTuple_GET_SIZE(hit) == 3) {
        PyObject *span = PyTuple_GET_ITEM(hit, 2);
        if (PyTuple_Check(span) && PyTuple_GET_SIZE(span) == 2) {
            start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
            end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
            if (PyErr_Occurred())
                return NULL;
        }
        if (end > start) {
            info = PyDict_GetItemWithError(fields, PyTuple_GET_ITEM(hit, 1));
            if (info == NULL && PyErr_Occurred())
                return NULL;
        }
    }
    if (info != NULL) {
        Py_INCREF(info);
        item = span_item(hit, start, end, info, cls, slots, value);
        Py_DECREF(info);
        if (item == NULL && PyErr_Occurred())
            return NULL;
        if (item != NULL && PyDict_SetItem(cache, hit, item) < 0) {
            Py_DECREF(item);
            return NULL;
        }
    }
    if (item == NULL)  /* not ASCII words of a field of ``fields``: made in Python */
        item = PyObject_CallOneArg(make, hit);
    return item;
}

/* items(hits, cache, fields, cls, make) -> [the item of each hit]: see _pure.items */
static PyObject *
kernel_items(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "items() takes 5 arguments");
        return NULL;
    }
    PyObject *hits = args[0], *cache = args[1], *fields = args[2], *cls = args[3],
             *make = args[4];
    if (!PyList_Check(hits) || !PyDict_Check(cache) || !PyDict_Check(fields)
        || !PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "items() takes a list, two dicts and a class");
        return NULL;
    }
    PyObject *slots[5] = {NULL, NULL, NULL, NULL, NULL};
    PyObject *names[5] = {str_field, str_start, str_end, str_text, str_term};
    PyObject *found = NULL;
    for (int i = 0; i < 5; i++) {
        slots[i] = slot_of(cls, names[i]);
        if (slots[i] == NULL)
            goto done;
    }
    int plain = plain_class(cls);
    if (plain < 0)
        goto done;
    Py_ssize_t n = PyList_GET_SIZE(hits);
    found = PyList_New(n);
    if (found == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = item_of(PyList_GET_ITEM(hits, i), cache, fields, cls,
                                 plain ? slots : NULL, plain == VALUE_CLASS, make);
        if (item == NULL)
            goto fail;
        PyList_SET_ITEM(found, i, item);
    }
    goto done;
fail:
    Py_CLEAR(found);
done:
    for (int i = 0; i < 5; i++)
        Py_XDECREF(slots[i]);
    return found;
}

/* the int at ``i`` of the tuple ``place``; -1 with an error set when it is none */
static long
place_at(PyObject *place, Py_ssize_t i)
{
    if (!PyTuple_Check(place) || PyTuple_GET_SIZE(place) != 3) {
        PyErr_SetString(PyExc_TypeError, "a place is a tuple of three ints");
        return -1;
    }
    return PyLong_AsLong(PyTuple_GET_ITEM(place, i));
}

static PyObject *
item_place(PyObject *item)
{
    if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 4) {
        PyErr_SetString(PyExc_TypeError, "an item is a tuple of four");
        return NULL;
    }
    return PyTuple_GET_ITEM(item, 0);
}

/* the report of ``items`` (a list): see _pure.fast_report; its tuples left out of the
 * collector's reach when what they hold is settled (``light``: the class of the highlights
 * the kernel makes, when a VALUE_CLASS) */
static PyObject *
fast_report_of(PyObject *items, Py_ssize_t max_highlights, Py_ssize_t max_words,
               PyObject *limited, PyTypeObject *light)
{
    PyObject *kept = PyList_New(0), *words = NULL, *result = NULL;
    if (kept == NULL)
        return NULL;
    PyObject *last = NULL;  /* borrowed from kept */
    long last_field = 0, last_start = 0, last_end = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        PyObject *place = item_place(item);
        if (place == NULL)
            goto done;
        long field = place_at(place, 0), start = place_at(place, 1), end = place_at(place, 2);
        if (PyErr_Occurred())
            goto done;
        if (last != NULL) {
            if (field == last_field && start == last_start && end == last_end) {
                if (last == item)
                    continue;  /* the same hit of two terms */
                Py_INCREF(Py_None);
                result = Py_None;
                goto done;
            }
            if (field == last_field && -end <= -last_end)
                continue;  /* inside the previous one */
        }
        if (PyList_Append(kept, item) < 0)
            goto done;
        last = item;
        last_field = field;
        last_start = start;
        last_end = end;
    }
    if (PyList_GET_SIZE(kept) > max_highlights) {
        PyObject *chosen = PyObject_CallOneArg(limited, kept);
        if (chosen == NULL)
            goto done;
        Py_SETREF(kept, chosen);
        if (!PyList_Check(kept)) {
            PyErr_SetString(PyExc_TypeError, "limited() must return a list");
            goto done;
        }
    }
    words = PyDict_New();
    if (words == NULL)
        goto done;
    Py_ssize_t n = PyList_GET_SIZE(kept);
    PyObject *highlights = PyTuple_New(n);
    if (highlights == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(kept, i);
        if (item_place(item) == NULL) {
            Py_DECREF(highlights);
            goto done;
        }
        PyObject *light = PyTuple_GET_ITEM(item, 1);
        Py_INCREF(light);
        PyTuple_SET_ITEM(highlights, i, light);
        Py_INCREF(item);  /* a key's hash could run code changing the list */
        PyObject *word = PyDict_SetDefault(words, PyTuple_GET_ITEM(item, 2),
                                           PyTuple_GET_ITEM(item, 3));
        Py_DECREF(item);
        if (word == NULL) {
            Py_DECREF(highlights);
            goto done;
        }
        if (PyList_GET_SIZE(kept) != n) {
            PyErr_SetString(PyExc_RuntimeError, "the highlights changed while reported");
            Py_DECREF(highlights);
            goto done;
        }
    }
    settled_tuple(highlights, light);
    if (max_words < 0)
        max_words = 0;
    Py_ssize_t m = PyDict_GET_SIZE(words) < max_words ? PyDict_GET_SIZE(words) : max_words;
    PyObject *values = PyTuple_New(m), *key, *word;  /* the first max_words, in order */
    if (values == NULL) {
        Py_DECREF(highlights);
        goto done;
    }
    for (Py_ssize_t at = 0, i = 0; i < m && PyDict_Next(words, &at, &key, &word); i++)
        PyTuple_SET_ITEM(values, i, Py_NewRef(word));
    settled_tuple(values, NULL);
    result = PyTuple_Pack(2, values, highlights);
    Py_DECREF(values);
    Py_DECREF(highlights);
done:
    Py_XDECREF(words);
    Py_DECREF(kept);
    return result;
}

/* fast_report(items, max_highlights, max_words, limited) -> (words, highlights) or None:
 * see _pure.fast_report */
static PyObject *
kernel_fast_report(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "fast_report() takes 4 arguments");
        return NULL;
    }
    Py_ssize_t max_highlights = PyLong_AsSsize_t(args[1]);
    Py_ssize_t max_words = PyLong_AsSsize_t(args[2]);
    if ((max_highlights == -1 || max_words == -1) && PyErr_Occurred())
        return NULL;
    if (!PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "fast_report() takes a list of items");
        return NULL;
    }
    return fast_report_of(args[0], max_highlights, max_words, args[3], NULL);
}

/* whether each one-byte code point is alphanumeric as the tokeniser's patterns say (``\w``
 * without "_": str.isalnum), filled when the module is made */
static unsigned char word_byte[256];

typedef struct {
    uint64_t hash;
    PyObject *word;  /* borrowed from the tokens; NULL: an empty slot */
} WordSlot;

/* the words of a one-byte ``text`` appended to ``tokens``: runs of alphanumeric code points,
 * each distinct word made once (its later occurrences share the str) and added to
 * ``words`` (a new frozenset); -1 on error */
static int
byte_words(PyObject *text, PyObject *tokens, PyObject *words)
{
    const unsigned char *data = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), size = 64, used = 0;
    WordSlot *slots = PyMem_Calloc((size_t)size, sizeof(WordSlot));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && !word_byte[data[i]])
            i++;
        if (i == n)
            break;
        Py_ssize_t start = i;
        uint64_t hash = FNV_OFFSET;
        while (i < n && word_byte[data[i]])
            hash = (hash ^ data[i++]) * FNV_PRIME;
        Py_ssize_t length = i - start;
        Py_ssize_t at = (Py_ssize_t)(hash & (uint64_t)(size - 1));
        PyObject *word = NULL;
        for (; slots[at].word != NULL; at = (at + 1) & (size - 1)) {
            PyObject *known = slots[at].word;
            if (slots[at].hash == hash && PyUnicode_GET_LENGTH(known) == length &&
                memcmp(PyUnicode_1BYTE_DATA(known), data + start, (size_t)length) == 0) {
                word = known;
                break;
            }
        }
        if (word != NULL) {
            if (PyList_Append(tokens, word) < 0)
                goto fail;
            continue;
        }
        word = PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, data + start, length);
        if (word == NULL)
            goto fail;
        int failed = PyList_Append(tokens, word) < 0 || PySet_Add(words, word) < 0;
        Py_DECREF(word);  /* (the list holds it) */
        if (failed)
            goto fail;
        slots[at] = (WordSlot){hash, word};
        if (2 * ++used > size) {
            WordSlot *grown = PyMem_Calloc((size_t)(2 * size), sizeof(WordSlot));
            if (grown == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            for (Py_ssize_t k = 0; k < size; k++) {
                if (slots[k].word == NULL)
                    continue;
                Py_ssize_t j = (Py_ssize_t)(slots[k].hash & (uint64_t)(2 * size - 1));
                while (grown[j].word != NULL)
                    j = (j + 1) & (2 * size - 1);
                grown[j] = slots[k];
            }
            PyMem_Free(slots);
            slots = grown;
            size *= 2;
        }
    }
    PyMem_Free(slots);
    return 0;
fail:
    PyMem_Free(slots);
    return -1;
}

/* words(text, pattern) -> (tokens, frozenset of them): see _pure.words */
static PyObject *
kernel_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "words() takes a str and its words' pattern");
        return NULL;
    }
    PyObject *text = args[0], *tokens, *words;
    /* the pattern's findall, asked for either way (what is not a pattern fails as in the
     * pure twin) */
    PyObject *findall = PyObject_GetAttrString(args[1], "findall");
    if (findall == NULL)
        return NULL;
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND) {
        tokens = PyObject_CallOneArg(findall, text);
        Py_DECREF(findall);
        if (tokens == NULL)
            return NULL;
        if (!PyList_CheckExact(tokens)) {
            Py_DECREF(tokens);
            PyErr_SetString(PyExc_TypeError, "findall() gave no list");
            return NULL;
        }
        words = PyFrozenSet_New(tokens);
    }
    else {
        Py_DECREF(findall);
        tokens = PyList_New(0);
        if (tokens == NULL)
            return NULL;
        words = PyFrozenSet_New(NULL);
        if (words != NULL && byte_words(text, tokens, words) < 0)
            Py_CLEAR(words);
    }
    if (words == NULL) {
        Py_DECREF(tokens);
        return NULL;
    }
    PyObject *found = PyTuple_Pack(2, tokens, words);
    Py_DECREF(tokens);
    Py_DECREF(words);
    return found;
}

/* where each of the ``n`` ``tokens`` starts and ends in ``text``, into ``bounds`` (2 * n):
 * each found from the end of the one before (a tokeniser's next token: the gap before it
 * holds no character a word starts with); -1 with an error set when one is not there */
static int
token_bounds(PyObject *text, PyObject *const *tokens, Py_ssize_t n, Py_ssize_t *bounds)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *token = tokens[i];
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "token_offsets() takes a str and a list of str");
            return -1;
        }
        Py_ssize_t size = PyUnicode_GET_LENGTH(token);
        int tkind = PyUnicode_KIND(token);
        const void *tdata = PyUnicode_DATA(token);
        Py_ssize_t start = at;
        for (;; start++) {
            if (start + size > length) {
                PyErr_SetString(PyExc_ValueError, "a token not in the text after the one before");
                return -1;
            }
            if (tkind == kind) {  /* (a token of the text: most often) compared as bytes */
                if (size == 0
                    || (PyUnicode_READ(kind, data, start) == PyUnicode_READ(kind, tdata, 0)
                        && memcmp((const char *)data + start * kind, tdata,
                                  (size_t)(size * kind)) == 0))
                    break;
                continue;
            }
            Py_ssize_t k = 0;
            while (k < size &&
                   PyUnicode_READ(kind, data, start + k) == PyUnicode_READ(tkind, tdata, k))
                k++;
            if (k == size)
                break;
        }
        at = start + size;
        bounds[2 * i] = start;
        bounds[2 * i + 1] = at;
    }
    return 0;
}

/* token_offsets(text, tokens) -> [start, end, ...] of each token in ``text``, found from the
 * end of the one before (see _pure.token_offsets) */
static PyObject *
kernel_token_offsets(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "token_offsets() takes a str and a list of str");
        return NULL;
    }
    PyObject *tokens = args[1];
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    Py_ssize_t *bounds = PyMem_Malloc((size_t)(n ? 2 * n : 1) * sizeof(Py_ssize_t));
    if (bounds == NULL)
        return PyErr_NoMemory();
    PyObject *found = NULL;
    if (token_bounds(args[0], ((PyListObject *)tokens)->ob_item, n, bounds) < 0)
        goto done;
    found = PyList_New(2 * n);
    for (Py_ssize_t i = 0; found != NULL && i < 2 * n; i++) {
        PyObject *offset = PyLong_FromSsize_t(bounds[i]);
        if (offset == NULL)
            Py_CLEAR(found);  /* (items not set yet are NULL: list_dealloc skips them) */
        else
            PyList_SET_ITEM(found, i, offset);
    }
done:
    PyMem_Free(bounds);
    return found;
}

/* the offsets of the ``tokens`` (a tuple) of an ASCII field's text in that text, as
 * FieldIndex.original_offsets gives them (its token_offsets: folding ASCII lowers it, every
 * offset kept), packed: a bytes object of Py_ssize_t, [start, end, start, end, ...]; what
 * span_item reads, without an int object per word boundary (most of them never read) */
static PyObject *
packed_bounds(PyObject *folded, PyObject *tokens)
{
    Py_ssize_t n = PyTuple_GET_SIZE(tokens);
    PyObject *packed = PyBytes_FromStringAndSize(NULL, 2 * n * (Py_ssize_t)sizeof(Py_ssize_t));
    if (packed == NULL)
        return NULL;
    if (n > 0 && token_bounds(folded, ((PyTupleObject *)tokens)->ob_item, n,
                              (Py_ssize_t *)PyBytes_AS_STRING(packed)) < 0)
        Py_CLEAR(packed);
    return packed;
}

/* the Py_ssize_t values of a list of ints into ``*values`` (PyMem_Malloc'd); -1 on error */
static int
list_sizes(PyObject *list, Py_ssize_t **values)
{
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "original_offsets() takes lists of ints");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    *values = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    if (*values == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        (*values)[i] = PyLong_AsSsize_t(PyList_GET_ITEM(list, i));
        if ((*values)[i] == -1 && PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* original_offsets(bounds, fold_starts, fold_ends, orig_starts, orig_ends) -> ``bounds``
 * (offsets in a folded text) mapped to the original text by its irregular segments: those at
 * even places (where a token starts) as FoldedOffsets.start maps them, those at odd places
 * (where one ends) as FoldedOffsets.end does; see _pure.original_offsets */
static PyObject *
kernel_original_offsets(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "original_offsets() takes 5 arguments");
        return NULL;
    }
    Py_ssize_t *lists[5] = {NULL, NULL, NULL, NULL, NULL};
    PyObject *found = NULL;
    for (int k = 0; k < 5; k++)
        if (list_sizes(args[k], &lists[k]) < 0)
            goto done;
    Py_ssize_t n = PyList_GET_SIZE(args[0]), segments = PyList_GET_SIZE(args[1]);
    for (int k = 2; k < 5; k++) {
        if (PyList_GET_SIZE(args[k]) != segments) {
            PyErr_SetString(PyExc_TypeError, "original_offsets() takes segments of one length");
            goto done;
        }
    }
    const Py_ssize_t *bounds = lists[0], *fold_starts = lists[1], *fold_ends = lists[2],
                     *orig_starts = lists[3], *orig_ends = lists[4];
    found = PyList_New(n);
    if (found == NULL)
        goto done;
    for (Py_ssize_t j = 0; j < n; j++) {
        Py_ssize_t offset = bounds[j], low = 0, high = segments;
        while (low < high) {  /* bisect_right(fold_starts, offset) */
            Py_ssize_t middle = low + (high - low) / 2;
            if (offset < fold_starts[middle])
                high = middle;
            else
                low = middle + 1;
        }
        Py_ssize_t i = low - 1, mapped;
        if (j & 1) {  /* an end: a segment starting here with folded characters lies after */
            while (i >= 0 && fold_starts[i] == offset && offset < fold_ends[i])
                i--;
        }
        if (i < 0)
            mapped = offset;
        else if (offset >= fold_ends[i])
            mapped = orig_ends[i] + offset - fold_ends[i];
        else
            mapped = j & 1 ? orig_ends[i] : orig_starts[i];
        PyObject *value = PyLong_FromSsize_t(mapped);
        if (value == NULL) {
            Py_CLEAR(found);
            goto done;
        }
        PyList_SET_ITEM(found, j, value);
    }
done:
    for (int k = 0; k < 5; k++)
        PyMem_Free(lists[k]);
    return found;
}

/* ---- Program: topic code (bytecode.py) evaluated over a document's word positions ----
 *
 * The terms, ORs and proximity searches of a matcher's topics, numbered as they are added,
 * and each topic's code, all in flat arrays (the code of all topics in one buffer), so that
 * evaluating a candidate reads no Python object of the topic. Per document, whether each
 * term and proximity search occurs, and the spans of each positional part in each field,
 * are worked out once (stamped with the document's number, so nothing is cleared between
 * documents) into scratch space allocated once and reused. See _pure.Program, its twin. */

enum { OP_TERM, OP_NEAR, OP_LANG, OP_SOURCE, OP_URL, OP_NOT, OP_AND, OP_OR };
enum { REF_TERM, REF_OR, REF_NEAR };
#define FIELDS 3

typedef struct {
    uint32_t stamp;  /* the document it was worked out for */
    Py_ssize_t at, count;  /* spans: pairs of Py_ssize_t at the arena's ``at`` */
} Slot;

typedef struct {
    /* what evaluating a topic reads first, together (one cache line) */
    uint32_t stamp;  /* the document ``value`` was worked out for */
    int value;
    int fields;  /* mask: bit f for field f (title, text, feed) */
    int single;  /* one word, no prefix: a set look-up */
    PyObject *word;  /* its first word (borrowed from Program.words) */
    Py_ssize_t words;  /* offset of its words in Program.words and .prefixes */
    Py_ssize_t count;  /* how many words */
    PyObject *unit;
    PyObject *text;  /* as written: what its highlights name */
    /* its hits in the current document made into records (report): their numbers, at
     * Program.held[items] */
    Py_ssize_t items, nitems;
    uint32_t items_stamp;
    Slot slots[FIELDS];
} Term;

typedef struct {
    Py_ssize_t refs, count;  /* offset and number of its parts in Program.refs */
    Slot slots[FIELDS];
} Or;

typedef struct {
    PyObject *unit;
    Py_ssize_t distance;
    int ordered, fields;
    int32_t left, right;
    Py_ssize_t refs, lefts, rights;  /* lefts then rights at Program.refs[refs] */
    uint32_t stamp;
    int value;
    Slot slots[FIELDS];
} Near;

typedef struct {
    PyObject *name;  /* NULL: no topic of this number */
    PyObject *languages;  /* a frozenset, or NULL: every language */
    Py_ssize_t code, length;  /* its code at Program.code[code]; code -1: none yet */
} Topic;

typedef struct {
    PyObject_HEAD
    Term *terms;
    Or *ors;
    Near *nears;
    Topic *topics;
    PyObject **words;  /* of terms, new references */
    unsigned char *prefixes;
    int32_t *refs;
    PyObject **values;  /* filter values and the same after a ".", new references */
    PyObject **dotted;
    int32_t *code;
    Py_ssize_t *arena;  /* spans of the current document */
    Py_ssize_t nterms, sterms, nors, sors, nnears, snears, ntopics, stopics, nwords, swords,
        nrefs, srefs, nvalues, svalues, ncode, scode, narena, sarena, dead;
    /* the hits of the current document made into records (see Record), each once, found by
     * the open-addressing table ``held_at`` (1 + a record's number; 0: empty) */
    struct Record *records;
    Py_ssize_t nrecords, srecords;
    int32_t *held_at;
    Py_ssize_t sheld_at;  /* its size (a power of two), or 0 */
    int32_t *held;  /* the records of each term's hits (Term.items) */
    Py_ssize_t nheld, sheld;
    uint32_t stamp;
    int busy;
} Program;

static int
check_ref(Program *p, long ref, Py_ssize_t *number)
{
    Py_ssize_t limits[3] = {p->nterms, p->nors, p->nnears};
    if (ref < 0 || (ref & 3) == 3 || (ref >> 2) >= limits[ref & 3]) {
        PyErr_Format(PyExc_ValueError, "no part %ld", ref);
        return -1;
    }
    *number = ref >> 2;
    return 0;
}

/* the refs of a tuple appended to p->refs; -1 on error */
static int
add_refs(Program *p, PyObject *tuple, int alternatives)
{
    if (!PyTuple_Check(tuple)) {
        PyErr_SetString(PyExc_TypeError, "parts are a tuple of ints");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    if (grow(&p->refs, &p->srefs, p->nrefs + n, sizeof(int32_t)) < 0)
        return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        long ref = PyLong_AsLong(PyTuple_GET_ITEM(tuple, i));
        Py_ssize_t number;
        if (ref == -1 && PyErr_Occurred())
            return -1;
        if (check_ref(p, ref, &number) < 0)
            return -1;
        if (alternatives && (ref & 3) == REF_OR) {
            PyErr_SetString(PyExc_ValueError, "alternatives are terms or proximity searches");
            return -1;
        }
        p->refs[p->nrefs + i] = (int32_t)ref;
    }
    p->nrefs += n;
    return 0;
}

static PyObject *
program_add_term(Program *p, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "add_term() takes 5 arguments");
        return NULL;
    }
    if (!PyUnicode_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "a term's text is a str");
        return NULL;
    }
    long fields = PyLong_AsLong(args[0]);
    if (fields == -1 && PyErr_Occurred())
        return NULL;
    PyObject *words = args[1], *prefixes = args[2];
    if (!PyTuple_Check(words) || !PyTuple_Check(prefixes)) {
        PyErr_SetString(PyExc_TypeError, "add_term() takes a mask, two tuples and a unit");
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(words);
    if (n == 0 || PyTuple_GET_SIZE(prefixes) != n || fields <= 0 || fields >= 1 << FIELDS) {
        PyErr_SetString(PyExc_ValueError, "a term has words, a prefix flag each and some fields");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(words, i))) {
            PyErr_SetString(PyExc_TypeError, "a term's words are str");
            return NULL;
        }
    }
    if (grow(&p->terms, &p->sterms, p->nterms + 1, sizeof(Term)) < 0
        || grow(&p->words, &p->swords, p->nwords + n, sizeof(PyObject *)) < 0)
        return NULL;
    /* the prefix flags follow the words' room */
    Py_ssize_t room = p->swords;
    unsigned char *flags = PyMem_Realloc(p->prefixes, (size_t)room);
    if (flags == NULL)
        return PyErr_NoMemory();
    p->prefixes = flags;
    for (Py_ssize_t i = 0; i < n; i++) {
        int prefix = PyObject_IsTrue(PyTuple_GET_ITEM(prefixes, i));
        if (prefix < 0)
            return NULL;
        p->prefixes[p->nwords + i] = (unsigned char)prefix;
    }
    Term *term = &p->terms[p->nterms];
    memset(term, 0, sizeof *term);
    term->words = p->nwords;
    term->count = n;
    term->fields = (int)fields;
    term->single = n == 1 && !p->prefixes[p->nwords];
    for (Py_ssize_t i = 0; i < n; i++)
        p->words[p->nwords + i] = Py_NewRef(PyTuple_GET_ITEM(words, i));
    term->word = p->words[p->nwords];
    p->nwords += n;
    term->text = Py_NewRef(args[3]);
    term->unit = Py_NewRef(args[4]);
    return PyLong_FromSsize_t(p->nterms++);
}

static PyObject *
program_add_or(Program *p, PyObject *refs)
{
    if (grow(&p->ors, &p->sors, p->nors + 1, sizeof(Or)) < 0)
        return NULL;
    Py_ssize_t at = p->nrefs;
    if (add_refs(p, refs, 0) < 0) {
        p->nrefs = at;
        return NULL;
    }
    Or *either = &p->ors[p->nors];
    memset(either, 0, sizeof *either);
    either->refs = at;
    either->count = p->nrefs - at;
    return PyLong_FromSsize_t(p->nors++);
}

static PyObject *
program_add_near(Program *p, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "add_near() takes 8 arguments");
        return NULL;
    }
    Py_ssize_t distance = PyLong_AsSsize_t(args[0]);
    long left = PyLong_AsLong(args[2]), right = PyLong_AsLong(args[3]);
    long fields = PyLong_AsLong(args[6]);
    int ordered = PyObject_IsTrue(args[1]);
    if (PyErr_Occurred() || ordered < 0)
        return NULL;
    if (distance < 0 || fields < 0 || fields >= 1 << FIELDS) {
        PyErr_SetString(PyExc_ValueError,
                        "a proximity search has a distance of 0 or more and fields");
        return NULL;
    }
    Py_ssize_t number;
    if (check_ref(p, left, &number) < 0 || check_ref(p, right, &number) < 0)
        return NULL;
    if (grow(&p->nears, &p->snears, p->nnears + 1, sizeof(Near)) < 0)
        return NULL;
    Py_ssize_t at = p->nrefs;
    if (add_refs(p, args[4], 1) < 0) {
        p->nrefs = at;
        return NULL;
    }
    Py_ssize_t lefts = p->nrefs - at;
    if (add_refs(p, args[5], 1) < 0) {
        p->nrefs = at;
        return NULL;
    }
    Near *near = &p->nears[p->nnears];
    memset(near, 0, sizeof *near);
    near->distance = distance;
    near->ordered = ordered;
    near->fields = (int)fields;
    near->left = (int32_t)left;
    near->right = (int32_t)right;
    near->refs = at;
    near->lefts = lefts;
    near->rights = p->nrefs - at - lefts;
    near->unit = Py_NewRef(args[7]);
    return PyLong_FromSsize_t(p->nnears++);
}

static PyObject *
program_add_value(Program *p, PyObject *value)
{
    if (!PyUnicode_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "a filter's value is a str");
        return NULL;
    }
    Py_ssize_t room = p->svalues;
    if (grow(&p->values, &room, p->nvalues + 1, sizeof(PyObject *)) < 0)
        return NULL;
    room = p->svalues;
    if (grow(&p->dotted, &room, p->nvalues + 1, sizeof(PyObject *)) < 0)
        return NULL;
    p->svalues = room;
    PyObject *dotted = PyUnicode_FromFormat(".%U", value);
    if (dotted == NULL)
        return NULL;
    p->values[p->nvalues] = Py_NewRef(value);
    p->dotted[p->nvalues] = dotted;
    return PyLong_FromSsize_t(p->nvalues++);
}

static PyObject *
program_put(Program *p, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "put() takes 3 arguments");
        return NULL;
    }
    Py_ssize_t number = PyLong_AsSsize_t(args[0]);
    if (number == -1 && PyErr_Occurred())
        return NULL;
    if (number < 0) {
        PyErr_SetString(PyExc_IndexError, "no topic of that number");
        return NULL;
    }
    PyObject *languages = PyFrozenSet_New(args[2]);
    if (languages == NULL)
        return NULL;
    if (number >= p->ntopics) {
        if (grow(&p->topics, &p->stopics, number + 1, sizeof(Topic)) < 0) {
            Py_DECREF(languages);
            return NULL;
        }
        for (Py_ssize_t i = p->ntopics; i <= number; i++) {
            p->topics[i].name = p->topics[i].languages = NULL;
            p->topics[i].code = -1;
            p->topics[i].length = 0;
        }
        p->ntopics = number + 1;
    }
    Topic *topic = &p->topics[number];
    PyObject *name = topic->name, *before = topic->languages;
    if (topic->code >= 0)
        p->dead += topic->length;
    topic->code = -1;
    topic->length = 0;
    topic->name = Py_NewRef(args[1]);
    if (PySet_GET_SIZE(languages))
        topic->languages = languages;
    else {
        topic->languages = NULL;
        Py_DECREF(languages);
    }
    Py_XDECREF(name);  /* last: their destructors may run code */
    Py_XDECREF(before);
    Py_RETURN_NONE;
}

static PyObject *
program_remove(Program *p, PyObject *arg)
{
    Py_ssize_t number = PyLong_AsSsize_t(arg);
    if (number == -1 && PyErr_Occurred())
        return NULL;
    if (number >= 0 && number < p->ntopics) {
        Topic *topic = &p->topics[number];
        PyObject *name = topic->name, *languages = topic->languages;
        topic->name = topic->languages = NULL;
        if (topic->code >= 0)
            p->dead += topic->length;
        topic->code = -1;
        topic->length = 0;
        Py_XDECREF(name);
        Py_XDECREF(languages);
    }
    Py_RETURN_NONE;
}

/* the end of the well-formed node at code[at] (before ``end``), or -1 with ValueError */
static Py_ssize_t
check_node(Program *p, const int32_t *code, Py_ssize_t at, Py_ssize_t end)
{
    if (at >= end) {
        PyErr_SetString(PyExc_ValueError, "topic code ends inside a node");
        return -1;
    }
    int32_t header = code[at];
    int op = header & 15;
    Py_ssize_t payload = header >> 4;
    if (header < 0 || op > OP_OR) {
        PyErr_SetString(PyExc_ValueError, "not topic code");
        return -1;
    }
    if (op <= OP_URL) {
        Py_ssize_t size = op == OP_TERM ? p->nterms : op == OP_NEAR ? p->nnears : p->nvalues;
        if (payload >= size) {
            PyErr_SetString(PyExc_ValueError, "topic code refers to nothing");
            return -1;
        }
        return at + 1;
    }
    Py_ssize_t stop = at + 1 + payload;
    if (stop > end) {
        PyErr_SetString(PyExc_ValueError, "topic code ends inside a node");
        return -1;
    }
    if (Py_EnterRecursiveCall(" checking topic code"))
        return -1;
    Py_ssize_t next = at + 1;
    int children = 0;
    while (next >= 0 && next < stop) {
        next = check_node(p, code, next, stop);
        children++;
    }
    Py_LeaveRecursiveCall();
    if (next < 0)
        return -1;
    if (op == OP_NOT && children != 1) {
        PyErr_SetString(PyExc_ValueError, "topic code ends inside a node");
        return -1;
    }
    return stop;
}

static Topic *compact_topics;

static int
compare_code(const void *a, const void *b)
{
    Py_ssize_t x = compact_topics[*(const Py_ssize_t *)a].code;
    Py_ssize_t y = compact_topics[*(const Py_ssize_t *)b].code;
    return (x > y) - (x < y);
}

/* moves the code of the topics there are to the start of the buffer, in the order it lies */
static int
compact(Program *p)
{
    Py_ssize_t n = 0;
    Py_ssize_t *order = PyMem_Malloc((size_t)(p->ntopics ? p->ntopics : 1) * sizeof(Py_ssize_t));
    if (order == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < p->ntopics; i++) {
        if (p->topics[i].code >= 0)
            order[n++] = i;
    }
    compact_topics = p->topics;  /* the GIL is held: no other thread sorts meanwhile */
    qsort(order, (size_t)n, sizeof(Py_ssize_t), compare_code);
    Py_ssize_t to = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Topic *t = &p->topics[order[i]];
        memmove(p->code + to, p->code + t->code, (size_t)t->length * sizeof(int32_t));
        t->code = to;
        to += t->length;
    }
    PyMem_Free(order);
    p->ncode = to;
    p->dead = 0;
    return 0;
}

/* stores the code (a list of ints) of topic ``number`` */
static int
set_code(Program *p, Py_ssize_t number, PyObject *list)
{
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "topic code is a list of ints");
        return -1;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    if (p->dead > (1 << 16) && p->dead > p->ncode / 2 && compact(p) < 0)
        return -1;
    if (grow(&p->code, &p->scode, p->ncode + n, sizeof(int32_t)) < 0)
        return -1;
    int32_t *code = p->code + p->ncode;
    for (Py_ssize_t i = 0; i < n; i++) {
        long value = PyLong_AsLong(PyList_GET_ITEM(list, i));
        if (value == -1 && PyErr_Occurred())
            return -1;
        if (value < 0 || value > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "not topic code");
            return -1;
        }
        code[i] = (int32_t)value;
    }
    if (n == 0 || check_node(p, code, 0, n) != n) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "topic code is one node");
        return -1;
    }
    Topic *topic = &p->topics[number];
    topic->code = p->ncode;
    topic->length = n;
    p->ncode += n;
    return 0;
}

/* where each word of a field stands: an open-addressing table of its distinct words (the
 * token where each first stands, its count), each token chained to the next of the same
 * word; made in C from the tokens when a term's spans are first asked for (no dict of lists
 * of ints made, and freed, per document) */
typedef struct {
    Py_ssize_t *heads;  /* per slot: 1 + the first token of its word; 0: empty */
    Py_ssize_t *counts;  /* per slot: how many tokens of its word */
    Py_ssize_t *next;  /* per token: the next token of the same word; -1: none */
    Py_ssize_t mask;  /* slots - 1 (a power of two less one) */
} Where;

/* one document being matched */
typedef struct {
    Program *p;
    PyObject *fields[FIELDS];  /* FieldIndex objects */
    PyObject *sets[FIELDS];  /* their words */
    PyObject *tokens[FIELDS];  /* a tuple of their tokens (made when needed) */
    Where where[FIELDS];  /* where their words stand (made with ``tokens``) */
    /* the tokens by their first code unit (modulo INITIALS): INITIALS heads (1 + the first
     * token; 0: none), then per token the next one of the same initial (-1: none), made
     * when a term made of prefixes is first looked up (see initial_chains) */
    Py_ssize_t *initials[FIELDS];
    PyObject *language, *source, *url;
} Run;

#define INITIALS 256

static int
arena_room(Program *p, Py_ssize_t more)
{
    return grow(&p->arena, &p->sarena, p->narena + more, sizeof(Py_ssize_t));
}

static int same_word(PyObject *token, PyObject *word);

/* the slot of ``word`` in the table ``w`` of ``tokens``: where it is, or the empty one it
 * would take; -1 with an error set when it cannot be hashed */
static Py_ssize_t
where_slot(const Where *w, PyObject *tokens, PyObject *word)
{
    Py_hash_t hash = PyObject_Hash(word);  /* str: cached in the object */
    if (hash == -1)
        return -1;
    Py_ssize_t slot = (Py_ssize_t)((size_t)hash & (size_t)w->mask);
    while (w->heads[slot] && !same_word(PyTuple_GET_ITEM(tokens, w->heads[slot] - 1), word))
        slot = (slot + 1) & w->mask;
    return slot;
}

static void where_clear(Where *w);

/* the tokens of field f as a tuple (the run's own: nothing can change them under it) and
 * the table of where its words stand */
static int
run_positions(Run *r, int f)
{
    if (r->tokens[f] != NULL)
        return 0;
    PyObject *found = PyObject_GetAttrString(r->fields[f], "tokens");
    if (found == NULL)
        return -1;
    if (!PyList_Check(found)) {
        Py_DECREF(found);
        PyErr_SetString(PyExc_TypeError, "a field's tokens are a list");
        return -1;
    }
    PyObject *tokens = PyList_AsTuple(found);
    Py_DECREF(found);
    if (tokens == NULL)
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(tokens), size = 8;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(tokens, i))) {
            Py_DECREF(tokens);
            PyErr_SetString(PyExc_TypeError, "a field's tokens are str");
            return -1;
        }
    }
    while (size < 2 * n)
        size *= 2;
    Where *w = &r->where[f];
    w->heads = PyMem_Calloc((size_t)size, sizeof(Py_ssize_t));
    w->counts = PyMem_Malloc((size_t)size * sizeof(Py_ssize_t));
    w->next = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Py_ssize_t));
    w->mask = size - 1;
    if (w->heads == NULL || w->counts == NULL || w->next == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = n - 1; i >= 0; i--) {  /* backwards: each chain comes out ascending */
        Py_ssize_t slot = where_slot(w, tokens, PyTuple_GET_ITEM(tokens, i));
        if (slot < 0)
            goto fail;
        if (w->heads[slot]) {
            w->next[i] = w->heads[slot] - 1;
            w->counts[slot]++;
        }
        else {
            w->next[i] = -1;
            w->counts[slot] = 1;
        }
        w->heads[slot] = i + 1;
    }
    r->tokens[f] = tokens;
    return 0;
fail:
    where_clear(w);
    Py_DECREF(tokens);
    return -1;
}

static void
where_clear(Where *w)
{
    PyMem_Free(w->heads);
    PyMem_Free(w->counts);
    PyMem_Free(w->next);
    w->heads = w->counts = w->next = NULL;
}

static int
starts_with(PyObject *token, PyObject *prefix)
{
    if (!PyUnicode_Check(token))
        return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(prefix);
    if (PyUnicode_GET_LENGTH(token) < n)
        return 0;
    int kind = PyUnicode_KIND(prefix);
    if (PyUnicode_KIND(token) == kind)
        return memcmp(PyUnicode_DATA(token), PyUnicode_DATA(prefix), (size_t)n * (size_t)kind) == 0;
    return PyUnicode_Tailmatch(token, prefix, 0, n, -1) == 1;
}

static int
same_word(PyObject *token, PyObject *word)
{
    if (token == word)
        return 1;
    if (!PyUnicode_Check(token))
        return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(word);
    if (PyUnicode_GET_LENGTH(token) != n || PyUnicode_KIND(token) != PyUnicode_KIND(word))
        return 0;
    return memcmp(PyUnicode_DATA(token), PyUnicode_DATA(word),
                  (size_t)n * (size_t)PyUnicode_KIND(word)) == 0;
}

/* the first code unit of a str, 0 for the empty one */
static Py_UCS4
initial(PyObject *word)
{
    return PyUnicode_GET_LENGTH(word) ? PyUnicode_READ_CHAR(word, 0) : 0;
}

/* the tokens of field f chained by their initial (Run.initials; run_positions made first):
 * a term made of prefixes compares only the tokens starting as its first one does, not every
 * token of the field (at 100,000 topics a tenth of matching went scanning long texts for
 * prefixes); -1 with an error set on failure */
static int
initial_chains(Run *r, int f)
{
    if (r->initials[f] != NULL)
        return 0;
    PyObject *tokens = r->tokens[f];
    Py_ssize_t n = PyTuple_GET_SIZE(tokens);
    Py_ssize_t *chains = PyMem_Calloc((size_t)(INITIALS + n), sizeof(Py_ssize_t));
    if (chains == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = n - 1; i >= 0; i--) {  /* backwards: each chain comes out ascending */
        Py_ssize_t *head = &chains[initial(PyTuple_GET_ITEM(tokens, i)) % INITIALS];
        chains[INITIALS + i] = *head - 1;
        *head = i + 1;
    }
    r->initials[f] = chains;
    return 0;
}

/* appends the spans of term ``t`` in field f to the arena */
static int
term_spans(Run *r, Term *t, int f)
{
    Program *p = r->p;
    if (!(t->fields >> f & 1))
        return 0;
    if (run_positions(r, f) < 0)
        return -1;
    PyObject **words = p->words + t->words;
    unsigned char *prefixes = p->prefixes + t->words;
    Py_ssize_t n = t->count, at = -1, least = -1;
    Where *w = &r->where[f];
    for (Py_ssize_t k = 0; k < n; k++) {
        if (prefixes[k])
            continue;
        Py_ssize_t slot = where_slot(w, r->tokens[f], words[k]);
        if (slot < 0)
            return -1;
        if (!w->heads[slot])
            return 0;  /* a word not there */
        if (least < 0 || w->counts[slot] < w->counts[least]) {
            at = k;
            least = slot;
        }
    }
    PyObject *tokens = r->tokens[f];
    Py_ssize_t count = PyTuple_GET_SIZE(tokens);
    if (least < 0) {  /* prefixes only: where the first one starts a word */
        at = 0;
        /* the tokens of the prefix's initial, in order (every token: an empty prefix) */
        int every = PyUnicode_GET_LENGTH(words[0]) == 0;
        if (!every && initial_chains(r, f) < 0)
            return -1;
        const Py_ssize_t *chains = r->initials[f];
        Py_ssize_t i = every ? (count ? 0 : -1) : chains[initial(words[0]) % INITIALS] - 1;
        for (; i >= 0; i = every ? (i + 1 < count ? i + 1 : -1) : chains[INITIALS + i]) {
            if (!starts_with(PyTuple_GET_ITEM(tokens, i), words[0]))
                continue;
            int fits = i + n <= count;
            for (Py_ssize_t k = 1; k < n && fits; k++) {
                PyObject *token = PyTuple_GET_ITEM(tokens, i + k);
                fits = prefixes[k] ? starts_with(token, words[k]) : same_word(token, words[k]);
            }
            if (!fits)
                continue;
            if (arena_room(p, 2) < 0)
                return -1;
            p->arena[p->narena++] = i;
            p->arena[p->narena++] = i + n;
        }
        return 0;
    }
    for (Py_ssize_t j = w->heads[least] - 1; j >= 0; j = w->next[j]) {
        Py_ssize_t start = j - at;
        if (start < 0 || start + n > count)
            continue;
        int fits = 1;
        for (Py_ssize_t k = 0; k < n && fits; k++) {
            PyObject *token = PyTuple_GET_ITEM(tokens, start + k);
            fits = prefixes[k] ? starts_with(token, words[k]) : same_word(token, words[k]);
        }
        if (!fits)
            continue;
        if (arena_room(p, 2) < 0)
            return -1;
        p->arena[p->narena++] = start;
        p->arena[p->narena++] = start + n;
    }
    return 0;
}

static int
compare_spans(const void *a, const void *b)
{
    const Py_ssize_t *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static int
compare_by_end(const void *a, const void *b)
{
    const Py_ssize_t *x = a, *y = b;
    if (x[1] != y[1])
        return (x[1] > y[1]) - (x[1] < y[1]);
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* sorts the spans from arena[at] to the end and drops repeats; their count */
static Py_ssize_t
sort_spans(Program *p, Py_ssize_t at)
{
    Py_ssize_t n = (p->narena - at) / 2;
    Py_ssize_t *spans = p->arena + at;
    if (n > 1)
        qsort(spans, (size_t)n, 2 * sizeof(Py_ssize_t), compare_spans);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (kept && spans[2 * kept - 2] == spans[2 * i] && spans[2 * kept - 1] == spans[2 * i + 1])
            continue;
        spans[2 * kept] = spans[2 * i];
        spans[2 * kept + 1] = spans[2 * i + 1];
        kept++;
    }
    p->narena = at + 2 * kept;
    return kept;
}

static int spans_of(Run *r, int32_t ref, int f, Py_ssize_t *at, Py_ssize_t *count);

/* the first of ``n`` spans (sorted by start) starting at or after ``position``: its index */
static Py_ssize_t
first_starting_at(const Py_ssize_t *spans, Py_ssize_t n, Py_ssize_t position)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (spans[2 * mid] < position)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* how many of ``n`` spans (sorted by end) end at or before ``position`` */
static Py_ssize_t
ending_by(const Py_ssize_t *spans, Py_ssize_t n, Py_ssize_t position)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (spans[2 * mid + 1] <= position)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* appends the spans of evaluator.near over spans ``left`` and ``right`` (arena offsets,
 * sorted) to the arena: see _pure.near_spans */
static int
near_pairs(Program *p, Near *near, Py_ssize_t left, Py_ssize_t nleft, Py_ssize_t right,
           Py_ssize_t nright)
{
    Py_ssize_t distance = near->distance;
    int ordered = near->ordered;
    /* each side sorted by end too */
    Py_ssize_t ends[2];
    Py_ssize_t sides[2] = {left, right}, counts[2] = {nleft, nright};
    for (int s = 0; s < 2; s++) {
        if (arena_room(p, 2 * counts[s]) < 0)
            return -1;
        ends[s] = p->narena;
        memcpy(p->arena + ends[s], p->arena + sides[s], (size_t)(2 * counts[s]) * sizeof(Py_ssize_t));
        if (counts[s] > 1)
            qsort(p->arena + ends[s], (size_t)counts[s], 2 * sizeof(Py_ssize_t), compare_by_end);
        p->narena += 2 * counts[s];
    }
    Py_ssize_t at = p->narena;
    for (int s = 0; s < 2; s++) {
        int first = s == 0;
        Py_ssize_t here = sides[s], n = counts[s];
        Py_ssize_t far = sides[1 - s], nfar = counts[1 - s], far_ends = ends[1 - s];
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t start = p->arena[here + 2 * i], end = p->arena[here + 2 * i + 1];
            if (first || !ordered) {
                Py_ssize_t j = first_starting_at(p->arena + far, nfar, end);
                if (j < nfar && p->arena[far + 2 * j] <= end + distance) {
                    Py_ssize_t partner = p->arena[far + 2 * j + 1];
                    if (arena_room(p, 2) < 0)
                        return -1;
                    p->arena[p->narena++] = start;
                    p->arena[p->narena++] = partner;
                }
            }
            if (!first || !ordered) {
                Py_ssize_t j = ending_by(p->arena + far_ends, nfar, start);
                if (j && p->arena[far_ends + 2 * (j - 1) + 1] >= start - distance) {
                    Py_ssize_t partner = p->arena[far_ends + 2 * (j - 1)];
                    if (arena_room(p, 2) < 0)
                        return -1;
                    p->arena[p->narena++] = partner;
                    p->arena[p->narena++] = end;
                }
            }
        }
    }
    /* the found spans moved down over the copies sorted by end */
    Py_ssize_t found = p->narena - at;
    memmove(p->arena + ends[0], p->arena + at, (size_t)found * sizeof(Py_ssize_t));
    p->narena = ends[0] + found;
    sort_spans(p, ends[0]);
    return 0;
}

/* the spans of a positional part in field f, sorted: at arena[*at], *count of them */
static int
spans_of(Run *r, int32_t ref, int f, Py_ssize_t *at, Py_ssize_t *count)
{
    Program *p = r->p;
    Py_ssize_t number = ref >> 2;
    int kind = ref & 3;
    Slot *slot = kind == REF_TERM ? &p->terms[number].slots[f]
                 : kind == REF_OR ? &p->ors[number].slots[f]
                                  : &p->nears[number].slots[f];
    if (slot->stamp == p->stamp) {
        *at = slot->at;
        *count = slot->count;
        return 0;
    }
    if (Py_EnterRecursiveCall(" looking up spans"))
        return -1;
    int failed = 0;
    Py_ssize_t start = p->narena;
    if (kind == REF_TERM) {
        failed = term_spans(r, &p->terms[number], f);  /* ascending, no repeats */
    }
    else if (kind == REF_OR) {
        Py_ssize_t refs = p->ors[number].refs, n = p->ors[number].count;
        /* the parts' spans first (each kept where it is made), then copied together */
        for (Py_ssize_t i = 0; i < n && !failed; i++) {
            Py_ssize_t a, c;
            failed = spans_of(r, p->refs[refs + i], f, &a, &c);
        }
        start = p->narena;
        for (Py_ssize_t i = 0; i < n && !failed; i++) {
            Py_ssize_t a, c;
            failed = spans_of(r, p->refs[refs + i], f, &a, &c);  /* found: stamped */
            if (!failed && c) {
                failed = arena_room(p, 2 * c);
                if (!failed) {
                    memcpy(p->arena + p->narena, p->arena + a, (size_t)(2 * c) * sizeof(Py_ssize_t));
                    p->narena += 2 * c;
                }
            }
        }
        if (!failed)
            sort_spans(p, start);
    }
    else {
        Near *near = &p->nears[number];
        int32_t left_ref = near->left, right_ref = near->right;
        Py_ssize_t left, nleft, right = 0, nright = 0;
        failed = spans_of(r, left_ref, f, &left, &nleft);
        if (!failed && nleft)
            failed = spans_of(r, right_ref, f, &right, &nright);
        start = p->narena;
        if (!failed && nleft && nright)
            failed = near_pairs(p, &p->nears[number], left, nleft, right, nright);
    }
    Py_LeaveRecursiveCall();
    if (failed)
        return -1;
    /* the slot looked up again: the tables did not move, but be plain about it */
    slot = kind == REF_TERM ? &p->terms[number].slots[f]
           : kind == REF_OR ? &p->ors[number].slots[f]
                            : &p->nears[number].slots[f];
    slot->stamp = p->stamp;
    slot->at = *at = start;
    slot->count = *count = (p->narena - start) / 2;
    return 0;
}

/* 1 when term ``number`` occurs in one of its fields, 0 when not, -1 on error */
static int
term_occurs(Run *r, Py_ssize_t number)
{
    Program *p = r->p;
    Term *t = &p->terms[number];
    if (t->stamp == p->stamp)
        return t->value;
    int found = 0;
    for (int f = 0; f < FIELDS && !found; f++) {
        if (!(t->fields >> f & 1))
            continue;
        if (t->single) {
            found = PySet_Contains(r->sets[f], t->word);
        }
        else {
            Py_ssize_t at, count;
            if (spans_of(r, (int32_t)(number << 2 | REF_TERM), f, &at, &count) < 0)
                return -1;
            found = count > 0;
        }
        if (found < 0)
            return -1;
    }
    t = &p->terms[number];
    t->stamp = p->stamp;
    t->value = found;
    return found;
}

/* whether a span of ``right`` follows one of ``left`` (or, unless ordered, precedes it)
 * with at most ``n`` words between: see _pure._within */
static int
within(Program *p, Py_ssize_t left, Py_ssize_t nleft, Py_ssize_t right, Py_ssize_t nright,
       Py_ssize_t n, int ordered)
{
    for (Py_ssize_t i = 0; i < nleft; i++) {
        Py_ssize_t end = p->arena[left + 2 * i + 1];
        Py_ssize_t j = first_starting_at(p->arena + right, nright, end);
        if (j < nright && p->arena[right + 2 * j] <= end + n)
            return 1;
    }
    if (ordered)
        return 0;
    /* the greatest end of ``right`` at or before a start of ``left``: within n words? */
    if (arena_room(p, nright) < 0)
        return -1;
    Py_ssize_t *ends = p->arena + p->narena;
    for (Py_ssize_t j = 0; j < nright; j++)
        ends[j] = p->arena[right + 2 * j + 1];
    if (nright > 1)
        qsort(ends, (size_t)nright, sizeof(Py_ssize_t), compare_numbers);
    for (Py_ssize_t i = 0; i < nleft; i++) {
        Py_ssize_t start = p->arena[left + 2 * i];
        Py_ssize_t lo = 0, hi = nright;
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if (ends[mid] <= start)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo && ends[lo - 1] >= start - n)
            return 1;
    }
    return 0;
}

static int
near_matches(Run *r, Py_ssize_t number)
{
    Program *p = r->p;
    Near *near = &p->nears[number];
    if (near->stamp == p->stamp)
        return near->value;
    int found = 0;
    for (int f = 0; f < FIELDS && !found; f++) {
        near = &p->nears[number];
        if (!(near->fields >> f & 1))
            continue;
        for (Py_ssize_t i = 0; i < near->lefts && !found; i++) {
            Py_ssize_t left, nleft;
            if (spans_of(r, p->refs[near->refs + i], f, &left, &nleft) < 0)
                return -1;
            near = &p->nears[number];
            for (Py_ssize_t j = 0; j < near->rights && nleft && !found; j++) {
                Py_ssize_t right, nright;
                if (spans_of(r, p->refs[near->refs + near->lefts + j], f, &right, &nright) < 0)
                    return -1;
                near = &p->nears[number];
                found = nright && within(p, left, nleft, right, nright, near->distance,
                                         near->ordered);
            }
        }
    }
    near = &p->nears[number];
    near->stamp = p->stamp;
    near->value = found;
    return found;
}

static Py_ssize_t
node_end(Program *p, Py_ssize_t at)
{
    int32_t header = p->code[at];
    return at + 1 + ((header & 15) >= OP_NOT ? header >> 4 : 0);
}

/* 1 when the node at code[at] matches, 0 when not, -1 on error */
static int
test(Run *r, Py_ssize_t at)
{
    Program *p = r->p;
    int32_t header = p->code[at];
    Py_ssize_t payload = header >> 4;
    switch (header & 15) {
    case OP_TERM:
        return term_occurs(r, payload);
    case OP_NEAR:
        return near_matches(r, payload);
    case OP_LANG:
        return PyUnicode_Compare(r->language, p->values[payload]) == 0 ? 1
               : PyErr_Occurred() ? -1 : 0;
    case OP_SOURCE: {
        int same = PyUnicode_Compare(r->source, p->values[payload]) == 0;
        if (PyErr_Occurred())
            return -1;
        if (same)
            return 1;
        Py_ssize_t ends = PyUnicode_Tailmatch(r->source, p->dotted[payload], 0,
                                              PY_SSIZE_T_MAX, 1);
        return ends < 0 ? -1 : ends > 0;
    }
    case OP_URL: {
        return PyUnicode_Contains(r->url, p->values[payload]);
    }
    case OP_NOT: {
        if (Py_EnterRecursiveCall(" evaluating a topic"))
            return -1;
        int found = test(r, at + 1);
        Py_LeaveRecursiveCall();
        return found < 0 ? -1 : !found;
    }
    default: {
        int want = (header & 15) == OP_OR;
        Py_ssize_t stop = at + 1 + payload;
        if (Py_EnterRecursiveCall(" evaluating a topic"))
            return -1;
        int result = !want;
        for (Py_ssize_t next = at + 1; next < stop; next = node_end(p, next)) {
            int found = test(r, next);
            if (found < 0) {
                result = -1;
                break;
            }
            if (found == want) {
                result = want;
                break;
            }
        }
        Py_LeaveRecursiveCall();
        return result;
    }
    }
}

typedef struct {
    int32_t *at;
    Py_ssize_t count, size;
} Units;

/* adds the terms (number << 1) and proximity searches (number << 1 | 1) that fired in the
 * matching node at code[at] */
static int
collect(Run *r, Py_ssize_t at, Units *units)
{
    Program *p = r->p;
    int32_t header = p->code[at];
    int op = header & 15;
    if (op == OP_TERM || op == OP_NEAR) {
        if (grow(&units->at, &units->size, units->count + 1, sizeof(int32_t)) < 0)
            return -1;
        units->at[units->count++] = (header >> 4) << 1 | (op == OP_NEAR);
        return 0;
    }
    if (op != OP_AND && op != OP_OR)
        return 0;
    Py_ssize_t stop = at + 1 + (header >> 4);
    if (Py_EnterRecursiveCall(" evaluating a topic"))
        return -1;
    int failed = 0;
    for (Py_ssize_t next = at + 1; next < stop && !failed; next = node_end(p, next)) {
        int found = op == OP_AND ? 1 : test(r, next);
        if (found < 0)
            failed = 1;
        else if (found)
            failed = collect(r, next, units) < 0;
    }
    Py_LeaveRecursiveCall();
    return failed ? -1 : 0;
}

/* the units that fired, each once, in order, as a tuple of their objects */
static PyObject *
fired_tuple(Program *p, Units *units)
{
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < units->count; i++) {
        int seen = 0;
        for (Py_ssize_t j = 0; j < kept && !seen; j++)
            seen = units->at[j] == units->at[i];
        if (!seen)
            units->at[kept++] = units->at[i];
    }
    units->count = kept;
    PyObject *fired = PyTuple_New(kept);
    if (fired == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < kept; i++) {
        int32_t unit = units->at[i];
        PyObject *object = unit & 1 ? p->nears[unit >> 1].unit : p->terms[unit >> 1].unit;
        PyTuple_SET_ITEM(fired, i, Py_NewRef(object));
    }
    return fired;
}

static void
run_clear(Run *r)
{
    for (int f = 0; f < FIELDS; f++) {
        Py_CLEAR(r->fields[f]);
        Py_CLEAR(r->sets[f]);
        Py_CLEAR(r->tokens[f]);
        where_clear(&r->where[f]);
        PyMem_Free(r->initials[f]);
        r->initials[f] = NULL;
    }
    Py_CLEAR(r->language);
    Py_CLEAR(r->source);
    Py_CLEAR(r->url);
}

static int
run_start(Run *r, PyObject *doc)
{
    static const char *names[FIELDS] = {"title", "text", "feed"};
    for (int f = 0; f < FIELDS; f++) {
        r->fields[f] = PyObject_GetAttrString(doc, names[f]);
        if (r->fields[f] == NULL)
            return -1;
        r->sets[f] = PyObject_GetAttrString(r->fields[f], "words");
        if (r->sets[f] == NULL)
            return -1;
        if (!PyAnySet_Check(r->sets[f])) {
            PyErr_SetString(PyExc_TypeError, "a field's words are a set");
            return -1;
        }
    }
    r->language = PyObject_GetAttrString(doc, "language");
    r->source = r->language ? PyObject_GetAttrString(doc, "source") : NULL;
    r->url = r->source ? PyObject_GetAttrString(doc, "url") : NULL;
    if (r->url == NULL)
        return -1;
    if (!PyUnicode_Check(r->language) || !PyUnicode_Check(r->source) || !PyUnicode_Check(r->url)) {
        PyErr_SetString(PyExc_TypeError, "a document's language, source and url are str");
        return -1;
    }
    return 0;
}

/* what a report needs of the document state (program.DocumentState) */
typedef struct {
    PyObject *plain;  /* field -> (number, text, its tokens' offsets there) */
    PyObject *make;  /* hit -> item, made in Python */
    PyObject *light;  /* the highlight class */
    PyObject *slots[5];  /* its slots, or NULL: called */
    int plain_light;
    Py_ssize_t max_highlights, max_words;
    PyObject *limited;
    PyObject *info[FIELDS];  /* the plain fields' entries, once entered (plain_field) */
} Reporting;

static void
reporting_clear(Reporting *rep)
{
    Py_CLEAR(rep->plain);
    Py_CLEAR(rep->make);
    Py_CLEAR(rep->limited);
    for (int i = 0; i < 5; i++)
        Py_CLEAR(rep->slots[i]);
    for (int f = 0; f < FIELDS; f++)
        Py_CLEAR(rep->info[f]);
}

static int
reporting_start(Reporting *rep, PyObject *state, PyObject *light)
{
    static PyObject **names[5] = {&str_field, &str_start, &str_end, &str_text, &str_term};
    rep->light = light;
    rep->plain = PyObject_GetAttr(state, str_plain);
    rep->make = rep->plain ? PyObject_GetAttr(state, str_item_) : NULL;
    PyObject *limits = rep->make ? PyObject_GetAttr(state, str_limits) : NULL;
    if (limits == NULL)
        return -1;
    int ok = PyDict_Check(rep->plain) && PyTuple_Check(limits)
             && PyTuple_GET_SIZE(limits) == 3;
    if (ok) {
        rep->max_highlights = PyLong_AsSsize_t(PyTuple_GET_ITEM(limits, 0));
        rep->max_words = PyLong_AsSsize_t(PyTuple_GET_ITEM(limits, 1));
        rep->limited = Py_NewRef(PyTuple_GET_ITEM(limits, 2));
    }
    Py_DECREF(limits);
    if (!ok) {
        PyErr_SetString(PyExc_TypeError,
                        "the state's plain fields are a dict, its limits a triple");
        return -1;
    }
    if (PyErr_Occurred())
        return -1;
    for (int i = 0; i < 5; i++) {
        rep->slots[i] = slot_of(light, *names[i]);
        if (rep->slots[i] == NULL)
            return -1;
    }
    rep->plain_light = plain_class(light);
    return rep->plain_light < 0 ? -1 : 0;
}

/* a hit (the term as written, the field, (start, end)), new reference */
static PyObject *
new_hit(PyObject *text, PyObject *field, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *span = PyTuple_New(2), *hit = NULL;
    if (span == NULL)
        return NULL;
    PyObject *first = PyLong_FromSsize_t(start), *last = PyLong_FromSsize_t(end);
    if (first != NULL)
        PyTuple_SET_ITEM(span, 0, first);
    if (last != NULL)
        PyTuple_SET_ITEM(span, 1, last);
    if (first != NULL && last != NULL)
        hit = PyTuple_New(3);
    if (hit == NULL) {
        Py_DECREF(span);
        return NULL;
    }
    PyTuple_SET_ITEM(hit, 0, Py_NewRef(text));
    PyTuple_SET_ITEM(hit, 1, Py_NewRef(field));
    PyTuple_SET_ITEM(hit, 2, span);
    return hit;
}

/* whether folding kept every offset of a FieldIndex's text (its ``keeps_offsets``); -1 with
 * an error set when that cannot be told */
static int
field_keeps_offsets(PyObject *field)
{
    PyObject *keeps = PyObject_GetAttr(field, str_keeps_offsets);
    int found = keeps != NULL ? PyObject_IsTrue(keeps) : -1;
    Py_XDECREF(keeps);
    return found;
}

/* field f (named ``name``) entered among the state's plain fields, as DocumentState._item
 * enters it at its first item: (its number, its text, the offsets of its tokens in that text:
 * packed (packed_bounds) where folding kept every offset, else its original_offsets); the
 * items of its ASCII words are made here from the first one on */
static int
plain_field(Run *r, Reporting *rep, int f, PyObject *name)
{
    int known = PyDict_Contains(rep->plain, name);
    if (known != 0)
        return known < 0 ? -1 : 0;
    PyObject *original = PyObject_GetAttr(r->fields[f], str_original);
    PyObject *bounds = NULL;
    int keeps = original == NULL ? -1
                : PyUnicode_Check(original) && PyUnicode_IS_ASCII(original)
                    ? 1
                    : field_keeps_offsets(r->fields[f]);
    if (keeps > 0) {
        /* the offsets of its folded tokens are the original's: found here, packed */
        PyObject *folded = run_positions(r, f) < 0 ? NULL : PyObject_GetAttr(r->fields[f], str_folded);
        if (folded != NULL && !PyUnicode_Check(folded)) {
            PyErr_SetString(PyExc_TypeError, "a field's folded text is a str");
            Py_CLEAR(folded);
        }
        bounds = folded != NULL ? packed_bounds(folded, r->tokens[f]) : NULL;
        Py_XDECREF(folded);
    }
    else if (keeps == 0)
        bounds = PyObject_GetAttr(r->fields[f], str_original_offsets);
    PyObject *order = bounds != NULL ? PyLong_FromLong(f) : NULL;
    PyObject *info = order != NULL ? PyTuple_Pack(3, order, original, bounds) : NULL;
    int failed = info == NULL || PyDict_SetItem(rep->plain, name, info) < 0;
    Py_XDECREF(info);
    Py_XDECREF(order);
    Py_XDECREF(bounds);
    Py_XDECREF(original);
    return failed ? -1 : 0;
}

/* ---- records: the hits of the current document made into what reports need ----
 *
 * A hit (the term as written, its field, its token span) is made once per document into a
 * record: a C struct holding its place, highlight and words (what DocumentState._item makes
 * into an item of four objects and three tuples), found again by (term text, field, span) in
 * an open-addressing table; the records of a term's hits are kept in order for the
 * document. Reports are made from records, so a hit costs its highlight and text, not a
 * dozen Python objects; the records are let go when the document is done. */

typedef struct Record {
    PyObject *term;  /* the term as written (borrowed from its Term) */
    Py_hash_t hash;
    Py_ssize_t first, last;  /* tokens */
    int f;
    Made made;  /* owned references */
} Record;

static void
records_clear(Program *p)
{
    for (Py_ssize_t i = 0; i < p->nrecords; i++) {
        Py_CLEAR(p->records[i].made.light);
        Py_CLEAR(p->records[i].made.folded);
        Py_CLEAR(p->records[i].made.words);
    }
    if (p->nrecords && p->held_at != NULL)
        memset(p->held_at, 0, (size_t)p->sheld_at * sizeof(int32_t));
    p->nrecords = 0;
    p->nheld = 0;
}

static Py_hash_t
record_hash(Py_hash_t term, int f, Py_ssize_t first, Py_ssize_t last)
{
    uint64_t h = (uint64_t)term;
    h = (h ^ (uint64_t)f) * 0x100000001b3ULL;
    h = (h ^ (uint64_t)first) * 0x100000001b3ULL;
    h = (h ^ (uint64_t)last) * 0x100000001b3ULL;
    return (Py_hash_t)(h ^ (h >> 29));
}

static int
same_text(PyObject *a, PyObject *b)
{
    if (a == b)
        return 1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    return PyUnicode_GET_LENGTH(b) == n && PyUnicode_KIND(a) == PyUnicode_KIND(b)
           && memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * PyUnicode_KIND(a)) == 0;
}

/* room for one more record in the table (kept at most half full); -1 on error */
static int
records_room(Program *p)
{
    if (grow(&p->records, &p->srecords, p->nrecords + 1, sizeof(Record)) < 0)
        return -1;
    if (2 * (p->nrecords + 1) <= p->sheld_at)
        return 0;
    Py_ssize_t size = p->sheld_at ? 2 * p->sheld_at : 256;
    int32_t *table = PyMem_Calloc((size_t)size, sizeof(int32_t));
    if (table == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < p->nrecords; i++) {
        Py_ssize_t slot = (Py_ssize_t)((size_t)p->records[i].hash & (size_t)(size - 1));
        while (table[slot])
            slot = (slot + 1) & (size - 1);
        table[slot] = (int32_t)(i + 1);
    }
    PyMem_Free(p->held_at);
    p->held_at = table;
    p->sheld_at = size;
    return 0;
}

/* the made of an item (place, highlight, folded words, words) made in Python; -1 on error */
static int
made_of_item(Made *made, PyObject *item)
{
    PyObject *place = item_place(item);
    if (place == NULL)
        return -1;
    long field = place_at(place, 0), start = place_at(place, 1), back = place_at(place, 2);
    if (PyErr_Occurred())
        return -1;
    if (!PyUnicode_Check(PyTuple_GET_ITEM(item, 2)) || !PyUnicode_Check(PyTuple_GET_ITEM(item, 3))) {
        PyErr_SetString(PyExc_TypeError, "an item's words are str");
        return -1;
    }
    made->field = field;
    made->start = start;
    made->end = -back;
    made->light = Py_NewRef(PyTuple_GET_ITEM(item, 1));
    made->folded = Py_NewRef(PyTuple_GET_ITEM(item, 2));
    made->words = Py_NewRef(PyTuple_GET_ITEM(item, 3));
    return 0;
}

/* the number of the record of the hit of term ``t`` at tokens ``first`` to ``last`` of field
 * f (named ``name``), made when it is new (here for ASCII words, else by the state's
 * ``_item`` as DocumentState makes items); -1 on error */
static Py_ssize_t
record_of(Run *r, Reporting *rep, PyObject *term, int f, PyObject *name, Py_ssize_t first,
          Py_ssize_t last)
{
    Program *p = r->p;
    Py_hash_t text_hash = PyObject_Hash(term);  /* a str: cached */
    if (text_hash == -1)
        return -1;
    Py_hash_t hash = record_hash(text_hash, f, first, last);
    if (p->sheld_at) {
        Py_ssize_t mask = p->sheld_at - 1;
        for (Py_ssize_t slot = (Py_ssize_t)((size_t)hash & (size_t)mask); p->held_at[slot];
             slot = (slot + 1) & mask) {
            Record *known = &p->records[p->held_at[slot] - 1];
            if (known->hash == hash && known->f == f && known->first == first
                && known->last == last && same_text(known->term, term))
                return p->held_at[slot] - 1;
        }
    }
    Made made = {0, 0, 0, NULL, NULL, NULL};
    int done = 0;
    if (last > first) {
        if (rep->info[f] == NULL) {
            if (plain_field(r, rep, f, name) < 0)
                return -1;
            PyObject *info = PyDict_GetItemWithError(rep->plain, name);
            if (info == NULL) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_SystemError, "a plain field not entered");
                return -1;
            }
            rep->info[f] = Py_NewRef(info);
        }
        done = span_fill(&made, term, name, first, last, rep->info[f], rep->light,
                         rep->plain_light ? rep->slots : NULL,
                         rep->plain_light == VALUE_CLASS);
        if (done < 0)
            return -1;
    }
    if (!done) {  /* not ASCII words: made in Python */
        PyObject *hit = new_hit(term, name, first, last);
        PyObject *item = hit != NULL ? PyObject_CallOneArg(rep->make, hit) : NULL;
        Py_XDECREF(hit);
        int failed = item == NULL || made_of_item(&made, item) < 0;
        Py_XDECREF(item);
        if (failed)
            return -1;
    }
    if (records_room(p) < 0) {  /* the table may have changed in the call back: after it */
        Py_XDECREF(made.light);
        Py_XDECREF(made.folded);
        Py_XDECREF(made.words);
        return -1;
    }
    Py_ssize_t number = p->nrecords++;
    Record *record = &p->records[number];
    record->term = term;
    record->hash = hash;
    record->first = first;
    record->last = last;
    record->f = f;
    record->made = made;
    Py_ssize_t mask = p->sheld_at - 1;
    Py_ssize_t slot = (Py_ssize_t)((size_t)hash & (size_t)mask);
    while (p->held_at[slot])
        slot = (slot + 1) & mask;
    p->held_at[slot] = (int32_t)(number + 1);
    return number;
}

/* the records of the hits of term ``number`` in the current document, in article order: at
 * Program.held[*at], *count of them (kept by the term until the document is done); see
 * DocumentState._unit_items */
static int
term_items(Run *r, Reporting *rep, Py_ssize_t number, Py_ssize_t *at, Py_ssize_t *count)
{
    Program *p = r->p;
    Term *t = &p->terms[number];
    if (t->items_stamp == p->stamp) {
        *at = t->items;
        *count = t->nitems;
        return 0;
    }
    PyObject *names[FIELDS] = {str_title, str_text, str_feed};
    PyObject *text = t->text;  /* held by the term as long as the program */
    Py_ssize_t start = p->nheld;
    for (int f = 0; f < FIELDS; f++) {
        if (!(p->terms[number].fields >> f & 1))
            continue;
        Py_ssize_t spans, n;
        if (spans_of(r, (int32_t)(number << 2 | REF_TERM), f, &spans, &n) < 0
            || grow(&p->held, &p->sheld, p->nheld + n, sizeof(int32_t)) < 0)
            return -1;
        for (Py_ssize_t k = 0; k < n; k++) {
            /* the arena and the records may move in record_of: looked up by number */
            Py_ssize_t made = record_of(r, rep, text, f, names[f], p->arena[spans + 2 * k],
                                        p->arena[spans + 2 * k + 1]);
            if (made < 0)
                return -1;
            p->held[p->nheld++] = (int32_t)made;
        }
    }
    t = &p->terms[number];
    t->items = *at = start;
    t->nitems = *count = p->nheld - start;
    t->items_stamp = p->stamp;
    return 0;
}

typedef struct {
    long field, start, end;  /* the item's place */
    Py_ssize_t order;  /* and where it came: the sort is stable */
    int32_t number;  /* the record */
} Placed;

static int
compare_placed(const void *a, const void *b)
{
    const Placed *x = a, *y = b;
    if (x->field != y->field)
        return (x->field > y->field) - (x->field < y->field);
    if (x->start != y->start)
        return (x->start > y->start) - (x->start < y->start);
    if (x->end != y->end)
        return (x->end > y->end) - (x->end < y->end);
    return (x->order > y->order) - (x->order < y->order);
}

/* ---- the hits of proximity searches that fired, paired as evaluator.near pairs them ----
 *
 * A proximity search's report names the hits of the terms making up its occurrences: each
 * occurrence of a part in a field comes with its hits, and an occurrence of a proximity
 * search joins the hits of the two it pairs (see program.CompiledNear.occurrences, made with
 * evaluator.near). Worked out only for a report (evaluating needs the spans alone), in
 * scratch space of the report. A hit is (term number, the index of its span among the
 * term's spans in the field): its item is then the term's (term_items). */

typedef struct {
    Py_ssize_t start, end;
    Py_ssize_t parts, count;  /* its hits: pairs at Hits.at[2 * parts] */
    Py_ssize_t order;  /* when it was found (the first found of a span is kept) */
} Occurrence;

typedef struct {
    Occurrence *at;
    Py_ssize_t count, size;
} Occurrences;

typedef struct {
    Py_ssize_t *at;  /* (term number, index of the span) pairs */
    Py_ssize_t count, size;  /* in pairs */
} Hits;

static int
compare_found(const void *a, const void *b)
{
    const Occurrence *x = a, *y = b;
    if (x->start != y->start)
        return (x->start > y->start) - (x->start < y->start);
    if (x->end != y->end)
        return (x->end > y->end) - (x->end < y->end);
    return (x->order > y->order) - (x->order < y->order);
}

/* the occurrences sorted by span, the first found of each span kept (a dict's setdefault,
 * then sorted) */
static void
settle(Occurrences *found)
{
    if (found->count > 1)
        qsort(found->at, (size_t)found->count, sizeof(Occurrence), compare_found);
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < found->count; i++) {
        Occurrence *o = &found->at[i];
        if (kept && found->at[kept - 1].start == o->start && found->at[kept - 1].end == o->end)
            continue;
        found->at[kept++] = *o;
    }
    found->count = kept;
}

/* appends an occurrence (start, end) with the hits of ``a`` then those of ``b`` (NULL: none) */
static int
add_joined(Occurrences *found, Hits *hits, Py_ssize_t start, Py_ssize_t end,
           const Occurrence *a, const Occurrence *b)
{
    Py_ssize_t count = a->count + (b != NULL ? b->count : 0);
    if (grow(&found->at, &found->size, found->count + 1, sizeof(Occurrence)) < 0
        || grow(&hits->at, &hits->size, 2 * (hits->count + count), sizeof(Py_ssize_t)) < 0)
        return -1;
    Occurrence *o = &found->at[found->count];
    o->start = start;
    o->end = end;
    o->parts = hits->count;
    o->count = count;
    o->order = found->count++;
    memcpy(hits->at + 2 * hits->count, hits->at + 2 * a->parts,
           (size_t)(2 * a->count) * sizeof(Py_ssize_t));
    hits->count += a->count;
    if (b != NULL) {
        memcpy(hits->at + 2 * hits->count, hits->at + 2 * b->parts,
               (size_t)(2 * b->count) * sizeof(Py_ssize_t));
        hits->count += b->count;
    }
    return 0;
}

/* the occurrence of ``side`` (sorted by span) starting first at or after ``position`` (the
 * shortest of those); -1: none */
static Py_ssize_t
occurrence_from(const Occurrences *side, Py_ssize_t position)
{
    Py_ssize_t lo = 0, hi = side->count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (side->at[mid].start < position)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < side->count ? lo : -1;
}

/* the occurrence of ``side`` ending last at or before ``position`` (the shortest of those):
 * ``by_end`` holds the indices of its occurrences sorted by (end, start); -1: none */
static Py_ssize_t
occurrence_by(const Occurrences *side, const Py_ssize_t *by_end, Py_ssize_t position)
{
    Py_ssize_t lo = 0, hi = side->count;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (side->at[by_end[mid]].end <= position)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? by_end[lo - 1] : -1;
}

static const Occurrences *sorting_side;  /* what compare_ends compares (the GIL is held) */

static int
compare_ends(const void *a, const void *b)
{
    const Occurrence *x = &sorting_side->at[*(const Py_ssize_t *)a];
    const Occurrence *y = &sorting_side->at[*(const Py_ssize_t *)b];
    if (x->end != y->end)
        return (x->end > y->end) - (x->end < y->end);
    return (x->start > y->start) - (x->start < y->start);
}

/* the indices of ``side``'s occurrences sorted by (end, start) (PyMem_Malloc'd) */
static Py_ssize_t *
by_ends(const Occurrences *side)
{
    Py_ssize_t *order = PyMem_Malloc((size_t)(side->count ? side->count : 1) * sizeof(Py_ssize_t));
    if (order == NULL)
        return (Py_ssize_t *)PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < side->count; i++)
        order[i] = i;
    sorting_side = side;
    if (side->count > 1)
        qsort(order, (size_t)side->count, sizeof(Py_ssize_t), compare_ends);
    sorting_side = NULL;
    return order;
}

/* evaluator.near over ``left`` and ``right`` (each sorted by span, one per span): the
 * nearest partner on each side of every occurrence, when close enough, in its order */
static int
near_joined(Near *near, const Occurrences *left, const Occurrences *right, Hits *hits,
            Occurrences *found)
{
    Py_ssize_t n = near->distance;
    int ordered = near->ordered;
    Py_ssize_t *lefts = by_ends(left), *rights = lefts ? by_ends(right) : NULL;
    int failed = rights == NULL;
    for (Py_ssize_t i = 0; i < left->count && !failed; i++) {
        const Occurrence *a = &left->at[i];
        Py_ssize_t j = occurrence_from(right, a->end);
        if (j >= 0 && right->at[j].start <= a->end + n)
            failed = add_joined(found, hits, a->start, right->at[j].end, a, &right->at[j]) < 0;
        if (!ordered && !failed) {
            j = occurrence_by(right, rights, a->start);
            if (j >= 0 && right->at[j].end >= a->start - n)
                failed = add_joined(found, hits, right->at[j].start, a->end, &right->at[j], a) < 0;
        }
    }
    for (Py_ssize_t i = 0; i < right->count && !failed; i++) {
        const Occurrence *b = &right->at[i];
        Py_ssize_t j = occurrence_by(left, lefts, b->start);
        if (j >= 0 && left->at[j].end >= b->start - n)
            failed = add_joined(found, hits, left->at[j].start, b->end, &left->at[j], b) < 0;
        if (!ordered && !failed) {
            j = occurrence_from(left, b->end);
            if (j >= 0 && left->at[j].start <= b->end + n)
                failed = add_joined(found, hits, b->start, left->at[j].end, b, &left->at[j]) < 0;
        }
    }
    PyMem_Free(lefts);
    PyMem_Free(rights);
    if (failed)
        return -1;
    settle(found);
    return 0;
}

/* the occurrences of a positional part in field f, with their hits, into ``found`` (empty):
 * see CompiledWords/CompiledOr/CompiledNear.occurrences */
static int
occurrences_of(Run *r, int32_t ref, int f, Hits *hits, Occurrences *found)
{
    Program *p = r->p;
    Py_ssize_t number = ref >> 2;
    if ((ref & 3) == REF_TERM) {
        if (!(p->terms[number].fields >> f & 1))
            return 0;
        Py_ssize_t at, count;
        if (spans_of(r, ref, f, &at, &count) < 0)
            return -1;
        if (grow(&found->at, &found->size, count, sizeof(Occurrence)) < 0
            || grow(&hits->at, &hits->size, 2 * (hits->count + count), sizeof(Py_ssize_t)) < 0)
            return -1;
        for (Py_ssize_t k = 0; k < count; k++) {
            Occurrence *o = &found->at[k];
            o->start = p->arena[at + 2 * k];
            o->end = p->arena[at + 2 * k + 1];
            o->parts = hits->count;
            o->count = 1;
            o->order = k;
            hits->at[2 * hits->count] = number;
            hits->at[2 * hits->count + 1] = k;
            hits->count++;
        }
        found->count = count;
        return 0;
    }
    if (Py_EnterRecursiveCall(" reporting a proximity search"))
        return -1;
    int failed = 0;
    if ((ref & 3) == REF_OR) {  /* the alternatives' occurrences, the first of a span kept */
        Occurrences some = {NULL, 0, 0};
        Py_ssize_t refs = p->ors[number].refs, n = p->ors[number].count;
        for (Py_ssize_t i = 0; i < n && !failed; i++) {
            some.count = 0;
            failed = occurrences_of(r, p->refs[refs + i], f, hits, &some) < 0
                     || grow(&found->at, &found->size, found->count + some.count,
                             sizeof(Occurrence)) < 0;
            for (Py_ssize_t k = 0; k < some.count && !failed; k++) {
                found->at[found->count] = some.at[k];
                found->at[found->count].order = found->count;
                found->count++;
            }
        }
        PyMem_Free(some.at);
        if (!failed)
            settle(found);
    }
    else {
        Occurrences left = {NULL, 0, 0}, right = {NULL, 0, 0};
        failed = occurrences_of(r, p->nears[number].left, f, hits, &left) < 0;
        if (!failed && left.count)
            failed = occurrences_of(r, p->nears[number].right, f, hits, &right) < 0;
        if (!failed && left.count && right.count)
            failed = near_joined(&p->nears[number], &left, &right, hits, found) < 0;
        PyMem_Free(left.at);
        PyMem_Free(right.at);
    }
    Py_LeaveRecursiveCall();
    return failed ? -1 : 0;
}

/* record numbers gathered for a report */
typedef struct {
    int32_t *at;
    Py_ssize_t count, size;
} Numbers;

static int
numbers_add(Numbers *numbers, const int32_t *some, Py_ssize_t n)
{
    if (grow(&numbers->at, &numbers->size, numbers->count + n, sizeof(int32_t)) < 0)
        return -1;
    if (n)
        memcpy(numbers->at + numbers->count, some, (size_t)n * sizeof(int32_t));
    numbers->count += n;
    return 0;
}

/* appends the records of the hits of proximity search ``number`` in the current document
 * (as CompiledNear.hits lists them: field by field, occurrence by occurrence) to ``items`` */
static int
near_items(Run *r, Reporting *rep, Py_ssize_t number, Numbers *items)
{
    Program *p = r->p;
    Hits hits = {NULL, 0, 0};
    Occurrences found = {NULL, 0, 0};
    int failed = 0;
    for (int f = 0; f < FIELDS && !failed; f++) {
        if (!(p->nears[number].fields >> f & 1))
            continue;
        hits.count = found.count = 0;
        failed = occurrences_of(r, (int32_t)(number << 2 | REF_NEAR), f, &hits, &found) < 0;
        for (Py_ssize_t i = 0; i < found.count && !failed; i++) {
            Occurrence *o = &found.at[i];
            for (Py_ssize_t j = 0; j < o->count && !failed; j++) {
                Py_ssize_t term = hits.at[2 * (o->parts + j)], k = hits.at[2 * (o->parts + j) + 1];
                /* the term's records: field by field, span by span: skip its earlier fields' */
                Py_ssize_t skip = 0;
                for (int g = 0; g < f && !failed; g++) {
                    Py_ssize_t at, count = 0;
                    if (p->terms[term].fields >> g & 1)
                        failed = spans_of(r, (int32_t)(term << 2 | REF_TERM), g, &at, &count) < 0;
                    skip += count;
                }
                Py_ssize_t at = 0, count = 0;
                if (failed || term_items(r, rep, term, &at, &count) < 0) {
                    failed = 1;
                    break;
                }
                if (skip + k >= count) {
                    PyErr_SetString(PyExc_SystemError, "a hit beyond its term's items");
                    failed = 1;
                    break;
                }
                failed = numbers_add(items, &p->held[at + skip + k], 1) < 0;
            }
        }
    }
    PyMem_Free(hits.at);
    PyMem_Free(found.at);
    return failed ? -1 : 0;
}

/* the report of the records ``numbers`` (in article order) as fast_report_of makes it of
 * their items: the outermost highlights, and the first ``max_words`` of their distinct words;
 * None when two different hits stand at the same place. More than max_highlights kept (rare:
 * ``limited`` chooses, in Python): made as items, handed to fast_report_of. */
static PyObject *
records_report(Program *p, Reporting *rep, const int32_t *numbers, Py_ssize_t n)
{
    int32_t *kept = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    if (kept == NULL)
        return PyErr_NoMemory();
    Py_ssize_t nkept = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const Made *made = &p->records[numbers[i]].made;
        if (nkept) {
            const Made *last = &p->records[kept[nkept - 1]].made;
            if (made->field == last->field && made->start == last->start
                && made->end == last->end) {
                if (numbers[i] == kept[nkept - 1])
                    continue;  /* the same hit of two terms */
                PyMem_Free(kept);
                Py_RETURN_NONE;
            }
            if (made->field == last->field && made->end <= last->end)
                continue;  /* inside the previous one */
        }
        kept[nkept++] = numbers[i];
    }
    PyObject *light_class = rep->plain_light == VALUE_CLASS ? rep->light : NULL;
    PyObject *result = NULL;
    if (nkept > rep->max_highlights) {
        PyMem_Free(kept);
        PyObject *items = PyList_New(n);
        if (items == NULL)
            return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            Made *made = &p->records[numbers[i]].made;
            Made copy = {made->field, made->start, made->end, Py_NewRef(made->light),
                         Py_NewRef(made->folded), Py_NewRef(made->words)};
            PyObject *item = made_item(&copy);
            if (item == NULL) {
                Py_DECREF(items);
                return NULL;
            }
            PyList_SET_ITEM(items, i, item);
        }
        result = fast_report_of(items, rep->max_highlights, rep->max_words, rep->limited,
                                (PyTypeObject *)light_class);
        Py_DECREF(items);
        return result;
    }
    /* the first max_words distinct folded words, as written first: at most nkept */
    Py_ssize_t most = rep->max_words < 0 ? 0 : rep->max_words, nwords = 0;
    /* the records (their places in ``kept``) of the words first written */
    Py_ssize_t *firsts = PyMem_Malloc((size_t)(nkept ? nkept : 1) * sizeof(Py_ssize_t));
    PyObject *highlights = firsts != NULL ? PyTuple_New(nkept) : NULL;
    if (highlights == NULL) {
        if (firsts == NULL)
            PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < nkept; i++) {
        const Made *made = &p->records[kept[i]].made;
        PyTuple_SET_ITEM(highlights, i, Py_NewRef(made->light));
        if (nwords >= most)
            continue;
        int seen = 0;
        for (Py_ssize_t j = 0; j < nwords && !seen; j++)
            seen = same_text(p->records[kept[firsts[j]]].made.folded, made->folded);
        if (!seen)
            firsts[nwords++] = i;
    }
    settled_tuple(highlights, (PyTypeObject *)light_class);
    PyObject *values = PyTuple_New(nwords);
    if (values == NULL) {
        Py_DECREF(highlights);
        goto done;
    }
    for (Py_ssize_t j = 0; j < nwords; j++)
        PyTuple_SET_ITEM(values, j, Py_NewRef(p->records[kept[firsts[j]]].made.words));
    settled_tuple(values, NULL);
    result = PyTuple_Pack(2, values, highlights);
    Py_DECREF(values);
    Py_DECREF(highlights);
done:
    PyMem_Free(firsts);
    PyMem_Free(kept);
    return result;
}

/* the report of the terms and proximity searches that fired (``units``: each once, in
 * order), as DocumentState.report makes it: their records in article order made into
 * highlights and words; None when two different hits stand at the same place (Python
 * decides then) */
static PyObject *
units_report(Run *r, Reporting *rep, Units *units)
{
    Program *p = r->p;
    Numbers all = {NULL, 0, 0};  /* the records of every unit, unit by unit */
    Placed *placed = NULL;
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < units->count; i++) {
        Py_ssize_t number = units->at[i] >> 1;
        if (units->at[i] & 1) {
            if (near_items(r, rep, number, &all) < 0)
                goto done;
            continue;
        }
        Py_ssize_t at, count;
        if (term_items(r, rep, number, &at, &count) < 0
            || numbers_add(&all, p->held + at, count) < 0)
            goto done;
    }
    Py_ssize_t n = all.count;
    /* one term: its records are in order; else sorted by place (stable: by order) */
    if (units->count != 1 || units->at[0] & 1) {
        placed = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Placed));
        if (placed == NULL) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t k = 0; k < n; k++) {
            const Made *made = &p->records[all.at[k]].made;
            placed[k].field = made->field;
            placed[k].start = made->start;
            placed[k].end = -made->end;  /* the longest first among those starting together */
            placed[k].order = k;
            placed[k].number = all.at[k];
        }
        qsort(placed, (size_t)n, sizeof(Placed), compare_placed);
        for (Py_ssize_t k = 0; k < n; k++)
            all.at[k] = placed[k].number;
    }
    result = records_report(p, rep, all.at, n);
done:
    PyMem_Free(placed);
    PyMem_Free(all.at);
    return result;
}

/* Reading the topics that presearch picked (scattered over the arrays of 100,000 topics) is
 * what matching waits for: the loop asks for the memory of the topics a few places ahead,
 * so it arrives while the ones before are evaluated. */

static void
prefetch_code(Program *p, Py_ssize_t number)
{
    Topic *topic = &p->topics[number];
    if (topic->code >= 0)
        PREFETCH(&p->code[topic->code]);
    if (topic->name != NULL)
        PREFETCH(topic->name);
}

/* the terms and proximity searches of a topic's first nodes; with ``words``, the words of
 * its one-word terms (which presearch's sets are asked about) */
static void
prefetch_parts(Program *p, Py_ssize_t number, int words)
{
    Topic *topic = &p->topics[number];
    if (topic->code < 0)
        return;
    for (Py_ssize_t k = 0; k < topic->length && k < 16; k++) {
        int32_t header = p->code[topic->code + k];
        Py_ssize_t payload = header >> 4;
        if ((header & 15) == OP_TERM) {
            if (words)
                PREFETCH(p->terms[payload].word);
            else
                PREFETCH(&p->terms[payload]);
        }
        else if ((header & 15) == OP_NEAR && !words)
            PREFETCH(&p->nears[payload]);
    }
}

/* match(numbers, doc, state, cls, light, compile) -> [cls(name, matched, highlights)]: see
 * _pure.Program.match */
static PyObject *
program_match(Program *p, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "match() takes 6 arguments");
        return NULL;
    }
    PyObject *numbers = args[0], *doc = args[1], *state = args[2], *cls = args[3],
             *light = args[4], *compile = args[5];
    if (!PyList_Check(numbers) || !PyType_Check(cls) || !PyType_Check(light)) {
        PyErr_SetString(PyExc_TypeError, "match() takes a list of numbers and a class");
        return NULL;
    }
    if (p->busy) {
        PyErr_SetString(PyExc_RuntimeError, "match() called while matching");
        return NULL;
    }
    Run run = {p};
    Reporting rep = {NULL};
    Py_ssize_t *order = NULL;
    Units units = {NULL, 0, 0};
    PyObject *found = NULL, *reports = NULL, *report = NULL;
    PyObject *descriptors[3] = {NULL, NULL, NULL};
    p->busy = 1;
    if (++p->stamp == 0) {  /* wrapped round: no slot may look current */
        for (Py_ssize_t i = 0; i < p->nterms; i++) {
            p->terms[i].stamp = p->terms[i].items_stamp = 0;
            for (int f = 0; f < FIELDS; f++)
                p->terms[i].slots[f].stamp = 0;
        }
        for (Py_ssize_t i = 0; i < p->nors; i++)
            for (int f = 0; f < FIELDS; f++)
                p->ors[i].slots[f].stamp = 0;
        for (Py_ssize_t i = 0; i < p->nnears; i++) {
            p->nears[i].stamp = 0;
            for (int f = 0; f < FIELDS; f++)
                p->nears[i].slots[f].stamp = 0;
        }
        p->stamp = 1;
    }
    p->narena = 0;
    if (run_start(&run, doc) < 0)
        goto done;
    reports = PyObject_GetAttr(state, str_reports);
    if (reports == NULL)
        goto done;
    if (!PyDict_Check(reports)) {
        PyErr_SetString(PyExc_TypeError, "the state's reports must be a dict");
        goto done;
    }
    report = PyObject_GetAttr(state, str_report);
    if (report == NULL || reporting_start(&rep, state, light) < 0)
        goto done;
    PyObject *names[3] = {str_topic, str_matched, str_highlights};
    for (int i = 0; i < 3; i++) {
        descriptors[i] = slot_of(cls, names[i]);
        if (descriptors[i] == NULL)
            goto done;
    }
    int plain = plain_class(cls);
    if (plain < 0)
        goto done;
    found = PyList_New(0);
    if (found == NULL)
        goto done;
    int filtered = PyUnicode_GET_LENGTH(run.language) > 0;
    Py_ssize_t count = PyList_GET_SIZE(numbers);
    order = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Py_ssize_t));
    if (order == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t number = PyLong_AsSsize_t(PyList_GET_ITEM(numbers, i));
        if (number == -1 && PyErr_Occurred())
            goto fail;
        if (number < 0 || number >= p->ntopics) {
            PyErr_SetString(PyExc_IndexError, "no topic of that number");
            goto fail;
        }
        order[i] = number;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t number = order[i];
        if (i + 16 < count && order[i + 16] < p->ntopics)
            PREFETCH(&p->topics[order[i + 16]]);
        if (i + 10 < count && order[i + 10] < p->ntopics)
            prefetch_code(p, order[i + 10]);
        if (i + 6 < count && order[i + 6] < p->ntopics)
            prefetch_parts(p, order[i + 6], 0);
        if (i + 3 < count && order[i + 3] < p->ntopics)
            prefetch_parts(p, order[i + 3], 1);
        if (number >= p->ntopics) {  /* the topics changed in a call back */
            PyErr_SetString(PyExc_IndexError, "no topic of that number");
            goto fail;
        }
        Topic *topic = &p->topics[number];
        if (topic->name == NULL)
            continue;
        if (filtered && topic->languages != NULL) {
            int contained = PySet_Contains(topic->languages, run.language);
            if (contained < 0)
                goto fail;
            if (!contained)
                continue;
        }
        if (topic->code < 0) {
            PyObject *code = PyObject_CallFunction(compile, "n", number);
            if (code == NULL)
                goto fail;
            topic = &p->topics[number];  /* compile may have changed the tables */
            int failed = topic->name != NULL && topic->code < 0 && set_code(p, number, code) < 0;
            Py_DECREF(code);
            if (failed)
                goto fail;
            topic = &p->topics[number];
            if (topic->name == NULL || topic->code < 0)
                continue;
        }
        Py_ssize_t at = topic->code;
        int matches = test(&run, at);
        if (matches < 0)
            goto fail;
        if (!matches)
            continue;
        units.count = 0;
        if (collect(&run, at, &units) < 0)
            goto fail;
        PyObject *fired = fired_tuple(p, &units);
        if (fired == NULL)
            goto fail;
        PyObject *pair = PyDict_GetItemWithError(reports, fired);  /* borrowed */
        if (pair != NULL)
            Py_INCREF(pair);
        else if (!PyErr_Occurred()) {
            pair = units_report(&run, &rep, &units);
            if (pair == Py_None)
                Py_CLEAR(pair);
            else if (pair != NULL && PyDict_SetItem(reports, fired, pair) < 0)
                Py_CLEAR(pair);
            if (pair == NULL && !PyErr_Occurred())  /* made by the state */
                pair = PyObject_CallOneArg(report, fired);
        }
        Py_DECREF(fired);
        if (pair == NULL)
            goto fail;
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            Py_DECREF(pair);
            PyErr_SetString(PyExc_TypeError, "a report is a pair");
            goto fail;
        }
        topic = &p->topics[number];
        PyObject *name = topic->name;
        if (name == NULL) {  /* removed by the report's code */
            Py_DECREF(pair);
            continue;
        }
        Py_INCREF(name);
        PyObject *values[3] = {name, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)};
        PyObject *made =
            new_frozen(cls, plain ? descriptors : NULL, values, 3, plain == VALUE_CLASS);
        Py_DECREF(name);
        Py_DECREF(pair);
        if (made == NULL)
            goto fail;
        int failed = PyList_Append(found, made);
        Py_DECREF(made);
        if (failed)
            goto fail;
    }
    goto done;
fail:
    Py_CLEAR(found);
done:
    PyMem_Free(order);
    PyMem_Free(units.at);
    for (int i = 0; i < 3; i++)
        Py_XDECREF(descriptors[i]);
    Py_XDECREF(report);
    Py_XDECREF(reports);
    reporting_clear(&rep);
    run_clear(&run);
    records_clear(p);  /* the document's records let go */
    p->busy = 0;
    return found;
}

static void
program_dealloc(Program *p)
{
    for (Py_ssize_t i = 0; i < p->nterms; i++) {
        Py_XDECREF(p->terms[i].unit);
        Py_XDECREF(p->terms[i].text);
    }
    PyMem_Free(p->records);
    PyMem_Free(p->held_at);
    PyMem_Free(p->held);
    for (Py_ssize_t i = 0; i < p->nnears; i++)
        Py_XDECREF(p->nears[i].unit);
    for (Py_ssize_t i = 0; i < p->nwords; i++)
        Py_XDECREF(p->words[i]);
    for (Py_ssize_t i = 0; i < p->nvalues; i++) {
        Py_XDECREF(p->values[i]);
        Py_XDECREF(p->dotted[i]);
    }
    for (Py_ssize_t i = 0; i < p->ntopics; i++) {
        Py_XDECREF(p->topics[i].name);
        Py_XDECREF(p->topics[i].languages);
    }
    PyMem_Free(p->terms);
    PyMem_Free(p->ors);
    PyMem_Free(p->nears);
    PyMem_Free(p->topics);
    PyMem_Free(p->words);
    PyMem_Free(p->prefixes);
    PyMem_Free(p->refs);
    PyMem_Free(p->values);
    PyMem_Free(p->dotted);
    PyMem_Free(p->code);
    PyMem_Free(p->arena);
    PyTypeObject *type = Py_TYPE(p);
    type->tp_free((PyObject *)p);
}

static PyMethodDef program_methods[] = {
    {"add_term", (PyCFunction)(void (*)(void))program_add_term, METH_FASTCALL,
     "add_term(fields, words, prefixes, text, unit) -> the term's number"},
    {"add_or", (PyCFunction)program_add_or, METH_O, "add_or(refs) -> the OR's number"},
    {"add_near", (PyCFunction)(void (*)(void))program_add_near, METH_FASTCALL,
     "add_near(distance, ordered, left, right, lefts, rights, fields, unit) -> its number"},
    {"add_value", (PyCFunction)program_add_value, METH_O,
     "add_value(value) -> the number of a filter's value"},
    {"put", (PyCFunction)(void (*)(void))program_put, METH_FASTCALL,
     "put(number, name, languages): topic ``number``, its code made when first asked"},
    {"remove", (PyCFunction)program_remove, METH_O, "remove(number): no topic ``number``"},
    {"match", (PyCFunction)(void (*)(void))program_match, METH_FASTCALL,
     "match(numbers, doc, state, cls, light, compile) -> matches"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ProgramType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "newswatch.core.query._kernel.Program",
    .tp_doc = "The terms, proximity searches and topic code of a matcher (see _pure.Program).",
    .tp_basicsize = sizeof(Program),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)program_dealloc,
    .tp_methods = program_methods,
};

static PyObject *
kernel_new_program(PyObject *module, PyObject *unused)
{
    return PyObject_CallNoArgs((PyObject *)&ProgramType);
}

/* ---- Presearch: the topics a document triggers (see _pure.Presearch, its twin) ----
 *
 * Every atom a topic is filed under or checks (a word, a prefix ``warr*``, a filter
 * ``lang:es``) is numbered once, in a table of its own (open addressing by the str's hash,
 * short keys kept in the slot: looking a word up reads one slot, where a dict read its
 * index, its entry, the key object and the int object of the number, four places in memory
 * scattered over a large catalogue's tables). Each way of a topic (its trigger atoms and
 * checks) is kept as those numbers in one pool of ints (what removing a topic reads); each
 * atom's postings hold, for every way filed under it, the topic's number and a copy of the
 * way's checks, so that walking them reads on in memory. A document marks the atoms it holds
 * in a bitmap (its words looked up in the table, the prefixes among their beginnings found
 * in a hash table of the prefixes by code point behind a bitmap filter, its filters, and the
 * words of its title as title atoms); then each marked atom's postings are walked and a
 * topic's checks read the marks. The topics picked are marked in a bitmap too, so a topic
 * filed under two atoms of the document is listed once. Both bitmaps (a bit per atom, a bit
 * per topic: a few kilobytes for 100,000 topics, where a stamp in each atom's and topic's
 * record read scattered memory) are cleared by the next document from the lists of what
 * was marked. */

typedef struct {
    Py_hash_t hash;  /* the str's hash */
    int32_t atom;  /* -1: an empty slot */
    int32_t length;  /* code points of an atom kept in ``data``; -1: compare with its key */
    unsigned char data[16];  /* a one-byte-kind atom of at most 16 code points */
} AtomSlot;

typedef struct {
    int32_t *at;  /* entries: topic number, n, the way's checks (n ints) */
    Py_ssize_t used, size;  /* int32s */
} Postings;

typedef struct {
    Py_ssize_t at;  /* its record in the pool: [ways, way...], a way [trigger atoms (-1:
                     * none, for every document), atom..., clauses, (atoms, atom...)...];
                     * -1: not filed */
    Py_ssize_t moved;  /* where compact_pool moved the record, from where it was */
} Filed;

typedef struct {
    uint64_t hash;
    int32_t atom;  /* the atom "warr*"; -1: an empty slot */
    int32_t length;  /* code points before the "*" */
    unsigned char kept;  /* 1: they are in ``data`` (one-byte kind, at most 15) */
    unsigned char data[15];
} Prefix;

typedef struct {
    PyObject *word;  /* borrowed from the document's set */
    Py_hash_t hash;
} Word;

typedef struct {
    PyObject_HEAD
    PyObject **keys;  /* by atom number: the atom (a reference) */
    Postings *postings;  /* by atom number */
    Py_ssize_t natoms, satoms;
    AtomSlot *table;  /* the atoms by hash: a power of two of slots, at most half used */
    Py_ssize_t stable;
    int32_t *titles;  /* by atom number: the title atom "title:" + that word; -1: none */
    uint64_t *seen;  /* a bit per atom: held by the current document */
    Py_ssize_t sseen;  /* words of 64 bits */
    Filed *filed;  /* by topic number */
    Py_ssize_t ntopics, stopics;
    uint64_t *picked;  /* a bit per topic: picked for the current document */
    Py_ssize_t spicked;  /* words */
    int32_t *pool;
    Py_ssize_t npool, spool, dead;
    int32_t *always;  /* (topic number, offset of the checks) of the ways without trigger */
    Py_ssize_t nalways, salways;
    Prefix *prefixes;  /* open addressing, a power of two of slots */
    Py_ssize_t nprefixes, sprefixes;
    uint64_t *filter;  /* a bit per (hash, length) of the prefixes: most probes end there */
    Py_ssize_t sfilter;  /* words, a power of two */
    Py_ssize_t *lengths;  /* the distinct prefix lengths, ascending */
    Py_ssize_t nlengths, slengths;
    Word *words;  /* the words of the field being marked */
    Py_ssize_t swords;
    int32_t *marked;  /* the atoms of the current document */
    Py_ssize_t nmarked, smarked;
    int32_t *found;  /* the topics picked for it */
    Py_ssize_t nfound, sfound;
    int32_t *spare;  /* room for sorting them */
    Py_ssize_t sspare;
} Presearch;

#define TITLE_PREFIX "title:"
#define TITLE_LENGTH 6

static uint64_t
fnv_step(uint64_t hash, Py_UCS4 c)
{
    return (hash ^ (uint64_t)c) * FNV_PRIME;
}

static int
bit_test(const uint64_t *bits, Py_ssize_t i)
{
    return (int)((bits[i >> 6] >> (i & 63)) & 1);
}

static void
bit_set(uint64_t *bits, Py_ssize_t i)
{
    bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void
bit_clear(uint64_t *bits, Py_ssize_t i)
{
    bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/* makes room for ``need`` bits in ``*bits`` (``*words`` words of 64 now), the new ones 0 */
static int
grow_bits(uint64_t **bits, Py_ssize_t *words, Py_ssize_t need)
{
    Py_ssize_t before = *words;
    if (grow(bits, words, (need + 63) / 64, sizeof(uint64_t)) < 0)
        return -1;
    memset(*bits + before, 0, (size_t)(*words - before) * sizeof(uint64_t));
    return 0;
}

/* 1 when the first ``length`` code points of ``a`` and ``b`` are the same */
static int
same_start(PyObject *a, PyObject *b, Py_ssize_t length)
{
    int ka = PyUnicode_KIND(a), kb = PyUnicode_KIND(b);
    const void *da = PyUnicode_DATA(a), *db = PyUnicode_DATA(b);
    for (Py_ssize_t i = 0; i < length; i++) {
        if (PyUnicode_READ(ka, da, i) != PyUnicode_READ(kb, db, i))
            return 0;
    }
    return 1;
}

/* 1 when ``word`` starts with the prefix ``p`` (of ``word``'s first code points' hash) */
static int
prefix_of(const Presearch *s, const Prefix *p, PyObject *word)
{
    if (!p->kept)
        return same_start(s->keys[p->atom], word, p->length);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    if (kind == PyUnicode_1BYTE_KIND)
        return memcmp(data, p->data, (size_t)p->length) == 0;
    for (Py_ssize_t i = 0; i < p->length; i++) {
        if (PyUnicode_READ(kind, data, i) != p->data[i])
            return 0;
    }
    return 1;
}

/* 1 when ``slot`` holds the str ``word`` (of the slot's hash) */
static int
slot_holds(const Presearch *s, const AtomSlot *slot, PyObject *word)
{
    if (slot->length >= 0)
        return PyUnicode_KIND(word) == PyUnicode_1BYTE_KIND &&
               PyUnicode_GET_LENGTH(word) == slot->length &&
               memcmp(PyUnicode_DATA(word), slot->data, (size_t)slot->length) == 0;
    PyObject *key = s->keys[slot->atom];
    /* str are canonical: equal ones are of one kind */
    return key == word || (PyUnicode_GET_LENGTH(key) == PyUnicode_GET_LENGTH(word) &&
                           PyUnicode_KIND(key) == PyUnicode_KIND(word) &&
                           memcmp(PyUnicode_DATA(key), PyUnicode_DATA(word),
                                  (size_t)(PyUnicode_GET_LENGTH(key) * PyUnicode_KIND(key))) == 0);
}

/* the slot of ``word`` (of hash ``hash``) in the table: where it is, or the empty one it
 * would take (the table is never full) */
static Py_ssize_t
table_slot(const Presearch *s, PyObject *word, Py_hash_t hash)
{
    Py_ssize_t mask = s->stable - 1, i = (Py_ssize_t)((size_t)hash & (size_t)mask);
    while (s->table[i].atom >= 0) {
        if (s->table[i].hash == hash && slot_holds(s, &s->table[i], word))
            break;
        i = (i + 1) & mask;
    }
    return i;
}

/* the number of atom ``word`` (of hash ``hash``); -1 when it is none */
static int32_t
atom_of(const Presearch *s, PyObject *word, Py_hash_t hash)
{
    if (s->natoms == 0)
        return -1;
    return s->table[table_slot(s, word, hash)].atom;
}

static void
table_place(AtomSlot *table, Py_ssize_t size, const AtomSlot *entry)
{
    Py_ssize_t i = (Py_ssize_t)((size_t)entry->hash & (size_t)(size - 1));
    while (table[i].atom >= 0)
        i = (i + 1) & (size - 1);
    table[i] = *entry;
}

/* room in the table for one atom more; -1 on error */
static int
table_room(Presearch *s)
{
    if (2 * (s->natoms + 1) <= s->stable)
        return 0;
    Py_ssize_t size = s->stable ? 2 * s->stable : 64;
    AtomSlot *table = PyMem_Malloc((size_t)size * sizeof(AtomSlot));
    if (table == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < size; i++)
        table[i].atom = -1;
    for (Py_ssize_t i = 0; i < s->stable; i++) {
        if (s->table[i].atom >= 0)
            table_place(table, size, &s->table[i]);
    }
    PyMem_Free(s->table);
    s->table = table;
    s->stable = size;
    return 0;
}

static void
prefix_place(Prefix *slots, Py_ssize_t size, Prefix entry)
{
    Py_ssize_t i = (Py_ssize_t)(entry.hash & (uint64_t)(size - 1));
    while (slots[i].atom >= 0)
        i = (i + 1) & (size - 1);
    slots[i] = entry;
}

/* the filter's bit of a prefix of ``length`` code points and hash ``hash`` */
static Py_ssize_t
filter_bit(const Presearch *s, uint64_t hash, Py_ssize_t length)
{
    return (Py_ssize_t)((hash >> 17 ^ (uint64_t)length * 0x9e3779b97f4a7c15ULL) &
                        (uint64_t)(64 * s->sfilter - 1));
}

/* the prefixes table and its filter remade with ``size`` slots; -1 on error */
static int
prefixes_resize(Presearch *s, Py_ssize_t size)
{
    Prefix *slots = PyMem_Malloc((size_t)size * sizeof(Prefix));
    /* 16 bits of filter per slot (8 or more per prefix): a probe of a length no prefix of
     * that beginning has passes it about once in ten */
    Py_ssize_t words = size / 4;
    uint64_t *filter = PyMem_Calloc((size_t)words, sizeof(uint64_t));
    if (slots == NULL || filter == NULL) {
        PyMem_Free(slots);
        PyMem_Free(filter);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < size; i++)
        slots[i].atom = -1;
    for (Py_ssize_t i = 0; i < s->sprefixes; i++) {
        if (s->prefixes[i].atom >= 0)
            prefix_place(slots, size, s->prefixes[i]);
    }
    PyMem_Free(s->prefixes);
    PyMem_Free(s->filter);
    s->prefixes = slots;
    s->sprefixes = size;
    s->filter = filter;
    s->sfilter = words;
    for (Py_ssize_t i = 0; i < size; i++) {
        if (slots[i].atom >= 0)
            bit_set(filter, filter_bit(s, slots[i].hash, slots[i].length));
    }
    return 0;
}

/* files the prefix atom ``key`` (ends with "*") numbered ``atom``; -1 on error, and then
 * nothing filed (the room made first) */
static int
prefix_add(Presearch *s, PyObject *key, int32_t atom)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(key) - 1;
    if (2 * (s->nprefixes + 1) > s->sprefixes &&
        prefixes_resize(s, s->sprefixes ? 2 * s->sprefixes : 64) < 0)
        return -1;
    if (grow(&s->lengths, &s->slengths, s->nlengths + 1, sizeof(Py_ssize_t)) < 0)
        return -1;
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    uint64_t hash = FNV_OFFSET;
    for (Py_ssize_t i = 0; i < length; i++)
        hash = fnv_step(hash, PyUnicode_READ(kind, data, i));
    if (length > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "a prefix too long");
        return -1;
    }
    Prefix entry = {hash, atom, (int32_t)length, 0, {0}};
    if (kind == PyUnicode_1BYTE_KIND && length <= 15) {
        entry.kept = 1;
        memcpy(entry.data, data, (size_t)length);
    }
    prefix_place(s->prefixes, s->sprefixes, entry);
    bit_set(s->filter, filter_bit(s, hash, length));
    s->nprefixes++;
    Py_ssize_t i = 0;
    while (i < s->nlengths && s->lengths[i] < length)
        i++;
    if (i == s->nlengths || s->lengths[i] != length) {
        memmove(s->lengths + i + 1, s->lengths + i,
                (size_t)(s->nlengths - i) * sizeof(Py_ssize_t));
        s->lengths[i] = length;
        s->nlengths++;
    }
    return 0;
}

/* a new atom ``atom`` (a str, of hash ``hash``, not in the table), its number; -1 on error,
 * and then nothing changed */
static int32_t
atom_new(Presearch *s, PyObject *atom, Py_hash_t hash)
{
    if (s->natoms >= INT32_MAX - 1) {
        PyErr_SetString(PyExc_OverflowError, "too many atoms");
        return -1;
    }
    Py_ssize_t room = s->satoms;
    if (grow(&s->keys, &room, s->natoms + 1, sizeof(PyObject *)) < 0)
        return -1;
    room = s->satoms;
    if (grow(&s->postings, &room, s->natoms + 1, sizeof(Postings)) < 0)
        return -1;
    room = s->satoms;
    if (grow(&s->titles, &room, s->natoms + 1, sizeof(int32_t)) < 0)
        return -1;
    s->satoms = room;
    if (grow_bits(&s->seen, &s->sseen, s->natoms + 1) < 0 || table_room(s) < 0)
        return -1;
    int32_t number = (int32_t)s->natoms;
    Py_ssize_t length = PyUnicode_GET_LENGTH(atom);
    if (length > 1 && PyUnicode_READ_CHAR(atom, length - 1) == '*' &&
        prefix_add(s, atom, number) < 0)
        return -1;
    AtomSlot entry = {hash, number, -1, {0}};
    if (PyUnicode_KIND(atom) == PyUnicode_1BYTE_KIND && length <= 16) {
        entry.length = (int32_t)length;
        memcpy(entry.data, PyUnicode_DATA(atom), (size_t)length);
    }
    table_place(s->table, s->stable, &entry);
    Py_INCREF(atom);
    s->keys[number] = atom;
    s->postings[number] = (Postings){NULL, 0, 0};
    s->titles[number] = -1;
    s->natoms++;
    return number;
}

/* 1 when ``atom`` is a title atom: "title:" and a word */
static int
is_title_atom(PyObject *atom)
{
    if (PyUnicode_GET_LENGTH(atom) <= TITLE_LENGTH)
        return 0;
    int kind = PyUnicode_KIND(atom);
    const void *data = PyUnicode_DATA(atom);
    for (Py_ssize_t i = 0; i < TITLE_LENGTH; i++) {
        if (PyUnicode_READ(kind, data, i) != (Py_UCS4)TITLE_PREFIX[i])
            return 0;
    }
    return 1;
}

/* the number of ``atom`` (a str), numbered now when it is new; -1 on error. A title atom
 * "title:word" is held by a document with the word in its title: the word is numbered too
 * (an atom no topic is filed under is only looked up), and names its title atom, so that
 * the words of a title find theirs in the one table. */
static int32_t
atom_number(Presearch *s, PyObject *atom)
{
    if (!PyUnicode_CheckExact(atom)) {
        PyErr_SetString(PyExc_TypeError, "atoms are str");
        return -1;
    }
    Py_hash_t hash = PyObject_Hash(atom);
    if (hash == -1)
        return -1;
    int32_t known = atom_of(s, atom, hash);
    if (known >= 0)
        return known;
    int32_t word = -1;
    if (is_title_atom(atom)) {
        PyObject *rest = PyUnicode_Substring(atom, TITLE_LENGTH, PyUnicode_GET_LENGTH(atom));
        if (rest == NULL)
            return -1;
        word = atom_number(s, rest);
        Py_DECREF(rest);
        if (word < 0)
            return -1;
    }
    int32_t number = atom_new(s, atom, hash);
    if (number >= 0 && word >= 0)
        s->titles[word] = number;
    return number;
}

/* the size of the checks at ``c``: [clauses, (atoms, atom...)...] */
static Py_ssize_t
checks_size(const int32_t *c)
{
    Py_ssize_t size = 1;
    for (int32_t k = 0; k < c[0]; k++)
        size += 1 + c[size];
    return size;
}

/* an entry for topic ``number`` and the checks at ``checks`` (``size`` ints, not in the
 * postings) appended to ``postings``; -1 on error */
static int
postings_add(Postings *postings, int32_t number, const int32_t *checks, Py_ssize_t size)
{
    if (grow(&postings->at, &postings->size, postings->used + 2 + size, sizeof(int32_t)) < 0)
        return -1;
    int32_t *entry = postings->at + postings->used;
    entry[0] = number;
    entry[1] = (int32_t)size;
    memcpy(entry + 2, checks, (size_t)size * sizeof(int32_t));
    postings->used += 2 + size;
    return 0;
}

/* the entries of topic ``number`` taken out of ``postings`` */
static void
postings_remove(Postings *postings, int32_t number)
{
    int32_t *at = postings->at;
    Py_ssize_t to = 0, i = 0;
    while (i < postings->used) {
        Py_ssize_t size = 2 + at[i + 1];
        if (at[i] != number) {
            if (to != i)
                memmove(at + to, at + i, (size_t)size * sizeof(int32_t));
            to += size;
        }
        i += size;
    }
    postings->used = to;
}

static int
pool_room(Presearch *s, Py_ssize_t more)
{
    if (s->npool + more > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many atoms filed");
        return -1;
    }
    return grow(&s->pool, &s->spool, s->npool + more, sizeof(int32_t));
}

/* the number of topic ``arg`` (a non-negative int), the tables grown to hold it; -1 on error */
static Py_ssize_t
topic_number(Presearch *s, PyObject *arg, int make_room)
{
    Py_ssize_t number = PyLong_AsSsize_t(arg);
    if (number == -1 && PyErr_Occurred())
        return -1;
    if (number < 0 || number >= INT32_MAX) {
        PyErr_SetString(PyExc_IndexError, "no topic of that number");
        return -1;
    }
    if (make_room && number >= s->ntopics) {
        if (grow_bits(&s->picked, &s->spicked, number + 1) < 0 ||
            grow(&s->filed, &s->stopics, number + 1, sizeof(Filed)) < 0)
            return -1;
        for (Py_ssize_t i = s->ntopics; i <= number; i++)
            s->filed[i] = (Filed){-1, 0};
        s->ntopics = number + 1;
    }
    return number;
}

/* the size of a topic's record in the pool */
static Py_ssize_t
record_size(const int32_t *record)
{
    Py_ssize_t size = 1;
    for (int32_t w = 0; w < record[0]; w++) {
        int32_t trigger = record[size];
        size += 1 + (trigger > 0 ? trigger : 0);
        size += checks_size(record + size);
    }
    return size;
}

/* takes topic ``number``'s entries out of the postings of its ways' triggers and out of
 * ``always`` (all of them: those of a way whose filing failed half way too) */
static void
unfile(Presearch *s, Py_ssize_t number)
{
    Filed *f = &s->filed[number];
    if (f->at < 0)
        return;
    const int32_t *record = s->pool + f->at;
    Py_ssize_t at = 1;
    for (int32_t w = 0; w < record[0]; w++) {
        int32_t trigger = record[at++];
        for (int32_t k = 0; k < trigger; k++)
            postings_remove(&s->postings[record[at + k]], (int32_t)number);
        if (trigger < 0) {
            for (Py_ssize_t i = 0; i < s->nalways; i++) {
                if (s->always[2 * i] == number) {
                    s->nalways--;
                    s->always[2 * i] = s->always[2 * s->nalways];
                    s->always[2 * i + 1] = s->always[2 * s->nalways + 1];
                    break;
                }
            }
        }
        at += trigger > 0 ? trigger : 0;
        at += checks_size(record + at);
    }
    s->dead += at;
    f->at = -1;
}

/* moves the records of the topics filed to the start of the pool when most is dead */
static void
compact_pool(Presearch *s)
{
    if (s->dead < 4096 || 2 * s->dead < s->npool)
        return;
    /* records lie in the pool in the order they were filed, and a record only moves down */
    Py_ssize_t *order = PyMem_Malloc((size_t)(s->ntopics ? s->ntopics : 1) * sizeof(Py_ssize_t));
    if (order == NULL)
        return;  /* compaction only saves memory */
    Py_ssize_t n = 0;
    for (Py_ssize_t i = 0; i < s->ntopics; i++) {
        s->filed[i].moved = 0;
        if (s->filed[i].at >= 0)
            order[n++] = (Py_ssize_t)s->filed[i].at << 32 | i;  /* by offset */
    }
    qsort(order, (size_t)n, sizeof(Py_ssize_t), compare_numbers);
    Py_ssize_t to = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Filed *f = &s->filed[order[i] & 0xffffffff];
        Py_ssize_t size = record_size(s->pool + f->at);
        memmove(s->pool + to, s->pool + f->at, (size_t)size * sizeof(int32_t));
        f->moved = to - f->at;
        f->at = to;
        to += size;
    }
    PyMem_Free(order);
    s->npool = to;
    s->dead = 0;
    /* (the postings hold copies of the checks, not offsets in the pool) */
    for (Py_ssize_t i = 0; i < s->nalways; i++)
        s->always[2 * i + 1] += (int32_t)s->filed[s->always[2 * i]].moved;
}

/* the atoms of a tuple of str appended to the pool, after their count; -1 on error */
static int
pool_atoms(Presearch *s, PyObject *atoms)
{
    Py_ssize_t n = PyTuple_GET_SIZE(atoms);
    if (pool_room(s, n + 1) < 0)
        return -1;
    s->pool[s->npool++] = (int32_t)n;
    for (Py_ssize_t i = 0; i < n; i++) {
        int32_t atom = atom_number(s, PyTuple_GET_ITEM(atoms, i));
        if (atom < 0)
            return -1;
        s->pool[s->npool++] = atom;
    }
    return 0;
}

/* 0 when ``atoms`` is a tuple of str (or None, when ``none``), else -1 with TypeError */
static int
check_atoms(PyObject *atoms, int none)
{
    if (none && atoms == Py_None)
        return 0;
    if (!PyTuple_Check(atoms)) {
        PyErr_SetString(PyExc_TypeError, "atoms come in a tuple");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(atoms); i++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(atoms, i))) {
            PyErr_SetString(PyExc_TypeError, "atoms are str");
            return -1;
        }
    }
    return 0;
}

/* 0 when ``ways`` is a tuple of (trigger, checks) ways (see _pure.Presearch.file) */
static int
check_ways(PyObject *ways)
{
    if (!PyTuple_Check(ways)) {
        PyErr_SetString(PyExc_TypeError, "file() takes a number and a tuple of ways");
        return -1;
    }
    for (Py_ssize_t w = 0; w < PyTuple_GET_SIZE(ways); w++) {
        PyObject *way = PyTuple_GET_ITEM(ways, w);
        if (!PyTuple_Check(way) || PyTuple_GET_SIZE(way) != 2 ||
            !PyTuple_Check(PyTuple_GET_ITEM(way, 1))) {
            PyErr_SetString(PyExc_TypeError, "a way is a (trigger, checks) tuple");
            return -1;
        }
        if (check_atoms(PyTuple_GET_ITEM(way, 0), 1) < 0)
            return -1;
        PyObject *checks = PyTuple_GET_ITEM(way, 1);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(checks); k++) {
            if (check_atoms(PyTuple_GET_ITEM(checks, k), 0) < 0)
                return -1;
        }
    }
    return 0;
}

/* the record of ``ways`` appended to the pool; -1 on error */
static int
pool_ways(Presearch *s, PyObject *ways)
{
    if (pool_room(s, 1) < 0)
        return -1;
    s->pool[s->npool++] = (int32_t)PyTuple_GET_SIZE(ways);
    for (Py_ssize_t w = 0; w < PyTuple_GET_SIZE(ways); w++) {
        PyObject *trigger = PyTuple_GET_ITEM(PyTuple_GET_ITEM(ways, w), 0);
        PyObject *checks = PyTuple_GET_ITEM(PyTuple_GET_ITEM(ways, w), 1);
        if (trigger == Py_None) {
            if (pool_room(s, 1) < 0)
                return -1;
            s->pool[s->npool++] = -1;
        }
        else if (pool_atoms(s, trigger) < 0)
            return -1;
        if (pool_room(s, 1) < 0)
            return -1;
        s->pool[s->npool++] = (int32_t)PyTuple_GET_SIZE(checks);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(checks); k++) {
            if (pool_atoms(s, PyTuple_GET_ITEM(checks, k)) < 0)
                return -1;
        }
    }
    return 0;
}

/* the entries of topic ``number``'s record (at pool[at]) added to the postings of its
 * triggers and to ``always``; -1 on error (some may be added) */
static int
post_ways(Presearch *s, Py_ssize_t number, Py_ssize_t at)
{
    const int32_t *pool = s->pool;  /* not grown below */
    Py_ssize_t i = at + 1;
    for (int32_t w = 0; w < pool[at]; w++) {
        int32_t trigger = pool[i++];
        Py_ssize_t checks = i + (trigger > 0 ? trigger : 0), size = checks_size(pool + checks);
        for (int32_t k = 0; k < trigger; k++) {
            if (postings_add(&s->postings[pool[i + k]], (int32_t)number, pool + checks, size) < 0)
                return -1;
        }
        if (trigger < 0) {
            if (grow(&s->always, &s->salways, 2 * s->nalways + 2, sizeof(int32_t)) < 0)
                return -1;
            s->always[2 * s->nalways] = (int32_t)number;
            s->always[2 * s->nalways + 1] = (int32_t)checks;
            s->nalways++;
        }
        i = checks + size;
    }
    return 0;
}

/* file(number, ways): see _pure.Presearch.file */
static PyObject *
presearch_file(Presearch *s, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "file() takes 2 arguments");
        return NULL;
    }
    if (check_ways(args[1]) < 0)
        return NULL;
    Py_ssize_t number = topic_number(s, args[0], 1);
    if (number < 0)
        return NULL;
    unfile(s, number);
    compact_pool(s);
    Py_ssize_t at = s->npool;
    if (pool_ways(s, args[1]) < 0) {
        s->npool = at;
        return NULL;
    }
    s->filed[number].at = at;
    if (post_ways(s, number, at) < 0) {  /* nothing half filed */
        unfile(s, number);
        s->dead -= s->npool - at;
        s->npool = at;
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
presearch_remove(Presearch *s, PyObject *arg)
{
    Py_ssize_t number = topic_number(s, arg, 0);
    if (number < 0)
        return NULL;
    if (number < s->ntopics)
        unfile(s, number);
    Py_RETURN_NONE;
}

/* marks atom ``atom`` as held by the document; -1 on error */
static int
mark(Presearch *s, int32_t atom)
{
    if (bit_test(s->seen, atom))
        return 0;
    if (grow(&s->marked, &s->smarked, s->nmarked + 1, sizeof(int32_t)) < 0)
        return -1;
    bit_set(s->seen, atom);
    s->marked[s->nmarked++] = atom;
    return 0;
}

/* marks the prefix atoms ``word`` starts with; -1 on error */
static int
mark_prefixes(Presearch *s, PyObject *word)
{
    Py_ssize_t length = PyUnicode_GET_LENGTH(word);
    int kind = PyUnicode_KIND(word);
    const void *data = PyUnicode_DATA(word);
    uint64_t hash = FNV_OFFSET;
    Py_ssize_t done = 0, mask = s->sprefixes - 1;
    for (Py_ssize_t l = 0; l < s->nlengths && s->lengths[l] <= length; l++) {
        Py_ssize_t want = s->lengths[l];
        for (; done < want; done++)
            hash = fnv_step(hash, PyUnicode_READ(kind, data, done));
        if (!bit_test(s->filter, filter_bit(s, hash, want)))
            continue;
        for (Py_ssize_t i = (Py_ssize_t)(hash & (uint64_t)mask); s->prefixes[i].atom >= 0;
             i = (i + 1) & mask) {
            Prefix *p = &s->prefixes[i];
            if (p->hash == hash && p->length == want && prefix_of(s, p, word) &&
                mark(s, p->atom) < 0)
                return -1;
        }
    }
    return 0;
}

/* 1 when the checks at ``c`` hold for the document */
static int
checks_marked(const Presearch *s, const int32_t *c)
{
    int32_t clauses = *c++;
    const uint64_t *seen = s->seen;
    for (int32_t k = 0; k < clauses; k++) {
        int32_t n = *c++;
        int some = 0;
        for (int32_t i = 0; i < n && !some; i++)
            some = bit_test(seen, c[i]);
        if (!some)
            return 0;
        c += n;
    }
    return 1;
}

static int
pick(Presearch *s, int32_t number)
{
    if (grow(&s->found, &s->sfound, s->nfound + 1, sizeof(int32_t)) < 0)
        return -1;
    bit_set(s->picked, number);
    s->found[s->nfound++] = number;
    return 0;
}

/* sorts the ``n`` topic numbers (>= 0) at ``a`` ascending, a byte at a time from the lowest
 * (a radix sort) through ``spare`` (room for ``n``): a document of the news those topics
 * are about picks a thousand and more of them, and qsort called its comparison function a
 * dozen times for each (a twentieth of matching such a document) */
static void
sort_numbers(int32_t *a, int32_t *spare, Py_ssize_t n)
{
    uint32_t bits = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        bits |= (uint32_t)a[i];
    int32_t *from = a, *to = spare;
    for (int shift = 0; shift < 32 && (bits >> shift) != 0; shift += 8) {
        Py_ssize_t start[257] = {0};
        for (Py_ssize_t i = 0; i < n; i++)
            start[(((uint32_t)from[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            start[b + 1] += start[b];
        for (Py_ssize_t i = 0; i < n; i++)
            to[start[((uint32_t)from[i] >> shift) & 0xff]++] = from[i];
        int32_t *sorted = to;
        to = from;
        from = sorted;
    }
    if (from != a)
        memcpy(a, from, (size_t)n * sizeof(int32_t));
}

/* how many words ahead the table's slot is asked for (the slots of a large catalogue's
 * atoms are scattered over megabytes: the look-ups of a document then wait on memory
 * together, not one after the other) */
#define AHEAD 8

/* marks the atoms among the words of ``words`` (a set of str) and their prefixes, and when
 * ``title``, the title atoms of the words */
static int
mark_words(Presearch *s, PyObject *words, int title)
{
    if (!PyAnySet_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "candidates() takes sets of words");
        return -1;
    }
    /* the set's own entries with their hashes (borrowed: nothing below runs Python code
     * that could change the set), not an iterator handing out references */
    if (grow(&s->words, &s->swords, PySet_GET_SIZE(words), sizeof(Word)) < 0)
        return -1;
    Py_ssize_t pos = 0, n = 0, mask = s->stable - 1;
    PyObject *word;
    Py_hash_t hash;
    while (_PySet_NextEntry(words, &pos, &word, &hash)) {
        /* exact str: comparing it runs no Python code */
        if (!PyUnicode_CheckExact(word)) {
            PyErr_SetString(PyExc_TypeError, "words are str");
            return -1;
        }
        s->words[n++] = (Word){word, hash};
    }
    if (s->natoms == 0)
        return 0;
    for (Py_ssize_t i = 0; i < n && i < AHEAD; i++)
        PREFETCH(&s->table[(size_t)s->words[i].hash & (size_t)mask]);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            PREFETCH(&s->table[(size_t)s->words[i + AHEAD].hash & (size_t)mask]);
        word = s->words[i].word;
        int32_t atom = s->table[table_slot(s, word, s->words[i].hash)].atom;
        if (atom >= 0) {
            if (mark(s, atom) < 0)
                return -1;
            if (title && s->titles[atom] >= 0 && mark(s, s->titles[atom]) < 0)
                return -1;
        }
        if (s->nlengths && mark_prefixes(s, word) < 0)
            return -1;
    }
    return 0;
}

/* the marks of the document before taken away */
static void
unmark(Presearch *s)
{
    for (Py_ssize_t i = 0; i < s->nmarked; i++)
        bit_clear(s->seen, s->marked[i]);
    for (Py_ssize_t i = 0; i < s->nfound; i++)
        bit_clear(s->picked, s->found[i]);
    s->nmarked = s->nfound = 0;
}

/* the topics the marked atoms' postings and ``always`` pick */
static int
pick_marked(Presearch *s)
{
    uint64_t *picked = s->picked;
    for (Py_ssize_t i = 0; i < s->nalways; i++) {
        int32_t number = s->always[2 * i];
        if (!bit_test(picked, number) && checks_marked(s, s->pool + s->always[2 * i + 1]) &&
            pick(s, number) < 0)
            return -1;
    }
    for (Py_ssize_t m = 0; m < s->nmarked; m++) {
        if (m + 2 < s->nmarked)
            PREFETCH(s->postings[s->marked[m + 2]].at);
        if (m + 4 < s->nmarked)
            PREFETCH(&s->postings[s->marked[m + 4]]);
        const Postings *postings = &s->postings[s->marked[m]];
        const int32_t *at = postings->at, *end = at + postings->used;
        while (at < end) {
            int32_t number = at[0];
            if (!bit_test(picked, number) && checks_marked(s, at + 2) && pick(s, number) < 0)
                return -1;
            at += 2 + at[1];
        }
    }
    return 0;
}

/* candidates(fields, filters) -> sorted topic numbers: see _pure.Presearch.candidates */
static PyObject *
presearch_candidates(Presearch *s, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_Check(args[0]) || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "candidates() takes a tuple of sets and a tuple");
        return NULL;
    }
    unmark(s);  /* (a document that raised half way left its marks) */
    PyObject *fields = args[0], *filters = args[1];
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        if (mark_words(s, PyTuple_GET_ITEM(fields, i), i == 0) < 0)
            return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(filters); i++) {
        PyObject *filter = PyTuple_GET_ITEM(filters, i);
        if (!PyUnicode_CheckExact(filter)) {
            PyErr_SetString(PyExc_TypeError, "filters are str");
            return NULL;
        }
        Py_hash_t hash = PyObject_Hash(filter);
        if (hash == -1)
            return NULL;
        int32_t atom = atom_of(s, filter, hash);
        if (atom >= 0 && mark(s, atom) < 0)
            return NULL;
    }
    if (pick_marked(s) < 0)
        return NULL;
    if (s->nfound > 1) {
        if (grow(&s->spare, &s->sspare, s->nfound, sizeof(int32_t)) < 0)
            return NULL;
        sort_numbers(s->found, s->spare, s->nfound);
    }
    PyObject *found = PyList_New(s->nfound);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < s->nfound; i++) {
        PyObject *number = PyLong_FromLong(s->found[i]);
        if (number == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        PyList_SET_ITEM(found, i, number);
    }
    return found;
}

static void
presearch_dealloc(Presearch *s)
{
    for (Py_ssize_t i = 0; i < s->natoms; i++) {
        PyMem_Free(s->postings[i].at);
        Py_DECREF(s->keys[i]);
    }
    PyMem_Free(s->keys);
    PyMem_Free(s->postings);
    PyMem_Free(s->table);
    PyMem_Free(s->titles);
    PyMem_Free(s->seen);
    PyMem_Free(s->filed);
    PyMem_Free(s->picked);
    PyMem_Free(s->pool);
    PyMem_Free(s->always);
    PyMem_Free(s->prefixes);
    PyMem_Free(s->filter);
    PyMem_Free(s->lengths);
    PyMem_Free(s->words);
    PyMem_Free(s->marked);
    PyMem_Free(s->found);
    PyMem_Free(s->spare);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static PyMethodDef presearch_methods[] = {
    {"file", (PyCFunction)(void (*)(void))presearch_file, METH_FASTCALL,
     "file(number, ways): topic ``number`` filed under the triggers of its ways"},
    {"remove", (PyCFunction)presearch_remove, METH_O, "remove(number): topic ``number`` unfiled"},
    {"candidates", (PyCFunction)(void (*)(void))presearch_candidates, METH_FASTCALL,
     "candidates(fields, filters) -> sorted numbers of the topics the document triggers"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject PresearchType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "newswatch.core.query._kernel.Presearch",
    .tp_doc = "The topics filed by the atoms they require (see _pure.Presearch).",
    .tp_basicsize = sizeof(Presearch),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_dealloc = (destructor)presearch_dealloc,
    .tp_methods = presearch_methods,
};

static PyObject *
kernel_new_presearch(PyObject *module, PyObject *unused)
{
    return PyObject_CallNoArgs((PyObject *)&PresearchType);
}

static PyMethodDef kernel_methods[] = {
    {"positions", (PyCFunction)kernel_positions, METH_O,
     "positions(tokens) -> {word: [token offsets, ascending]}"},
    {"single_spans", (PyCFunction)kernel_single_spans, METH_O,
     "single_spans(offsets) -> [(p, p + 1) for p in offsets]"},
    {"phrase_spans", (PyCFunction)(void (*)(void))kernel_phrase_spans, METH_FASTCALL,
     "phrase_spans(present, positions, tokens, words) -> spans of the phrase"},
    {"new_program", (PyCFunction)kernel_new_program, METH_NOARGS,
     "new_program() -> an empty Program (terms, proximity searches, topic code)"},
    {"items", (PyCFunction)(void (*)(void))kernel_items, METH_FASTCALL,
     "items(hits, cache, fields, cls, make) -> the item of each hit"},
    {"original_offsets", (PyCFunction)(void (*)(void))kernel_original_offsets, METH_FASTCALL,
     "original_offsets(bounds, fold_starts, fold_ends, orig_starts, orig_ends) -> bounds mapped"},
    {"words", (PyCFunction)(void (*)(void))kernel_words, METH_FASTCALL,
     "words(text, pattern) -> (its words in order, a frozenset of them)"},
    {"token_offsets", (PyCFunction)(void (*)(void))kernel_token_offsets, METH_FASTCALL,
     "token_offsets(text, tokens) -> [start, end, ...] of each token, from the one before"},
    {"fast_report", (PyCFunction)(void (*)(void))kernel_fast_report, METH_FASTCALL,
     "fast_report(items, max_highlights, max_words, limited) -> report or None"},
    {"new_presearch", (PyCFunction)kernel_new_presearch, METH_NOARGS,
     "new_presearch() -> an empty Presearch (topics filed by the atoms they require)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT,
    "newswatch.core.query._kernel",
    "The per-document hot path of topic matching, compiled (see kernel.py).",
    0,
    kernel_methods,
};

PyMODINIT_FUNC
PyInit__kernel(void)
{
    const char *pure = getenv("NEWSWATCH_PURE_PYTHON");
    if (pure != NULL && pure[0] != '\0' && strcmp(pure, "0") != 0) {
        PyErr_SetString(PyExc_ImportError,
                        "the compiled matching kernel is disabled by NEWSWATCH_PURE_PYTHON");
        return NULL;
    }
    struct {
        PyObject **name;
        const char *text;
    } names[] = {
        {&str_reports, "_reports"},
        {&str_report, "report"}, {&str_topic, "topic"}, {&str_matched, "matched"},
        {&str_highlights, "highlights"}, {&str_field, "field"}, {&str_start, "start"},
        {&str_end, "end"}, {&str_text, "text"}, {&str_term, "term"},
        {&str_title, "title"}, {&str_feed, "feed"},
        {&str_plain, "_plain"}, {&str_item_, "_item"}, {&str_limits, "_limits"},
        {&str_original, "original"}, {&str_original_offsets, "original_offsets"},
        {&str_folded, "folded"}, {&str_keeps_offsets, "keeps_offsets"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (*names[i].name == NULL) {
            *names[i].name = PyUnicode_InternFromString(names[i].text);
            if (*names[i].name == NULL)
                return NULL;
        }
    }
    if (PyType_Ready(&ProgramType) < 0)
        return NULL;
    if (PyType_Ready(&PresearchType) < 0)
        return NULL;
    for (int c = 0; c < 256; c++)
        word_byte[c] = Py_UNICODE_ISALNUM((Py_UCS4)c) ? 1 : 0;
    PyObject *module = PyModule_Create(&kernel_module);
    if (module == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, "Program", (PyObject *)&ProgramType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    if (PyModule_AddObjectRef(module, "Presearch", (PyObject *)&PresearchType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
