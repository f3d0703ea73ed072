/* The per-document hot path of topic matching, compiled: what ``_pure.py`` does in Python,
 * with the same results (the property tests run both against the reference evaluator).
 *
 * Every function takes and returns plain Python values (lists, dicts, sets, tuples, ints,
 * strings) and holds no state between calls; its work is bounded by the size of what it is
 * given (the document's tokens, the postings of its words), never by a query's text.
 *
 * Setting NEWSWATCH_PURE_PYTHON to anything but "" or "0" makes importing this module fail,
 * so that the pure-Python functions are used (kernel.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

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

/* topic numbers collected by candidates(): a growable array, sorted and made distinct */
typedef struct {
    Py_ssize_t *at;
    Py_ssize_t count, size;
} Numbers;

static int
numbers_add(Numbers *numbers, PyObject *number)
{
    Py_ssize_t value = PyLong_AsSsize_t(number);
    if (value == -1 && PyErr_Occurred())
        return -1;
    if (numbers->count == numbers->size) {
        Py_ssize_t size = numbers->size ? 2 * numbers->size : 256;
        Py_ssize_t *grown = PyMem_Realloc(numbers->at, (size_t)size * sizeof(Py_ssize_t));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        numbers->at = grown;
        numbers->size = size;
    }
    numbers->at[numbers->count++] = value;
    return 0;
}

/* adds every number of the iterable ``items``; -1 on error */
static int
numbers_update(Numbers *numbers, PyObject *items)
{
    PyObject *iterator = PyObject_GetIter(items);
    if (iterator == NULL)
        return -1;
    PyObject *item;
    while ((item = PyIter_Next(iterator)) != NULL) {
        int failed = numbers_add(numbers, item);
        Py_DECREF(item);
        if (failed) {
            Py_DECREF(iterator);
            return -1;
        }
    }
    Py_DECREF(iterator);
    return PyErr_Occurred() ? -1 : 0;
}

static int
compare_numbers(const void *a, const void *b)
{
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

/* the distinct numbers, ascending, as a list */
static PyObject *
numbers_list(Numbers *numbers)
{
    if (numbers->count > 1)
        qsort(numbers->at, (size_t)numbers->count, sizeof(Py_ssize_t), compare_numbers);
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < numbers->count; i++) {
        if (i == 0 || numbers->at[i] != numbers->at[distinct - 1])
            numbers->at[distinct++] = numbers->at[i];
    }
    PyObject *found = PyList_New(distinct);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < distinct; i++) {
        PyObject *number = PyLong_FromSsize_t(numbers->at[i]);
        if (number == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        PyList_SET_ITEM(found, i, number);
    }
    return found;
}

/* 1 when every clause of ``checks`` (a tuple of tuples of atoms) has an atom in
 * ``present``, 0 when one has none, -1 on error */
static int
checks_hold(PyObject *present, PyObject *checks)
{
    if (!PyTuple_Check(checks)) {
        PyErr_SetString(PyExc_TypeError, "checks must be a tuple of tuples");
        return -1;
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(checks); k++) {
        PyObject *clause = PyTuple_GET_ITEM(checks, k);
        if (!PyTuple_Check(clause)) {
            PyErr_SetString(PyExc_TypeError, "checks must be a tuple of tuples");
            return -1;
        }
        int some = 0;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(clause) && !some; i++) {
            some = PySet_Contains(present, PyTuple_GET_ITEM(clause, i));
            if (some < 0)
                return -1;
        }
        if (!some)
            return 0;
    }
    return 1;
}

/* candidates(present, direct, checked, always) -> sorted topic numbers: see
 * _pure.candidates (``direct``: atom -> set of numbers; ``checked``: atom -> {number:
 * tuple of clauses, each a tuple of atoms one of which must be in ``present``}) */
static PyObject *
kernel_candidates(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "candidates() takes 4 arguments");
        return NULL;
    }
    PyObject *present = args[0], *direct = args[1], *checked = args[2], *always = args[3];
    if (!PyAnySet_Check(present) || !PyDict_Check(direct) || !PyDict_Check(checked)) {
        PyErr_SetString(PyExc_TypeError, "candidates() takes a set and two dicts");
        return NULL;
    }
    Numbers numbers = {NULL, 0, 0};
    PyObject *found = NULL, *iterator = NULL, *atom = NULL;
    if (numbers_update(&numbers, always) < 0)
        goto done;
    iterator = PyObject_GetIter(present);
    if (iterator == NULL)
        goto done;
    while ((atom = PyIter_Next(iterator)) != NULL) {
        PyObject *postings = PyDict_GetItemWithError(direct, atom);  /* borrowed */
        if (postings != NULL) {
            if (numbers_update(&numbers, postings) < 0)
                goto done;
        }
        else if (PyErr_Occurred())
            goto done;
        PyObject *topics = PyDict_GetItemWithError(checked, atom);  /* borrowed */
        if (topics != NULL) {
            if (!PyDict_Check(topics)) {
                PyErr_SetString(PyExc_TypeError, "checked postings must be dicts");
                goto done;
            }
            Py_INCREF(topics);
            Py_ssize_t at = 0;
            PyObject *number, *checks;
            int hold = 1;
            while (hold >= 0 && PyDict_Next(topics, &at, &number, &checks)) {
                Py_INCREF(checks);
                hold = checks_hold(present, checks);
                Py_DECREF(checks);
                if (hold > 0 && numbers_add(&numbers, number) < 0)
                    hold = -1;
            }
            Py_DECREF(topics);
            if (hold < 0)
                goto done;
        }
        else if (PyErr_Occurred())
            goto done;
        Py_CLEAR(atom);
    }
    if (!PyErr_Occurred())
        found = numbers_list(&numbers);
done:
    Py_XDECREF(atom);
    Py_XDECREF(iterator);
    PyMem_Free(numbers.at);
    return found;
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
static PyObject *str_languages, *str_run_, *str_run, *str_spec, *str_name, *str_reports,
    *str_report, *str_topic, *str_matched, *str_highlights, *str_field, *str_start, *str_end,
    *str_text, *str_term;

/* 1 when instances of ``cls`` can be made by setting their slots (what its generated
 * __init__ does): no __post_init__ to run; 0 when not; -1 on error */
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
    return 1;
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
 * NULL to call the class (see plain_class) */
static PyObject *
new_frozen(PyObject *cls, PyObject *const *slots, PyObject *const *values, Py_ssize_t n)
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
        if (Py_TYPE(slots[i])->tp_descr_set(slots[i], made, values[i]) < 0) {
            Py_DECREF(made);
            return NULL;
        }
    }
    return made;
}

/* the item of one ASCII word found at token ``start`` of a field whose folded offsets are
 * its own: see DocumentState._item; NULL without an error set when the word is not ASCII or
 * the field's offsets do not reach that far (Python makes it then) */
static PyObject *
word_item(PyObject *hit, Py_ssize_t start, PyObject *info, PyObject *cls,
          PyObject *const *slots)
{
    /* info: (the field's number in article order, its text, its token bounds) */
    if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 3
        || !PyUnicode_Check(PyTuple_GET_ITEM(info, 1)) || !PyList_Check(PyTuple_GET_ITEM(info, 2))) {
        PyErr_SetString(PyExc_TypeError, "a field is (number, text, bounds)");
        return NULL;
    }
    PyObject *original = PyTuple_GET_ITEM(info, 1), *bounds = PyTuple_GET_ITEM(info, 2);
    if (start < 0 || 2 * start + 1 >= PyList_GET_SIZE(bounds))
        return NULL;
    Py_ssize_t first = PyLong_AsSsize_t(PyList_GET_ITEM(bounds, 2 * start));
    Py_ssize_t last = PyLong_AsSsize_t(PyList_GET_ITEM(bounds, 2 * start + 1));
    if ((first == -1 || last == -1) && PyErr_Occurred())
        return NULL;
    if (first < 0 || last < first || last > PyUnicode_GET_LENGTH(original))
        return NULL;
    PyObject *text = PyUnicode_Substring(original, first, last);
    if (text == NULL)
        return NULL;
    if (!PyUnicode_IS_ASCII(text)) {  /* folded by fold(), in Python */
        Py_DECREF(text);
        return NULL;
    }
    PyObject *folded = NULL, *light = NULL, *place = NULL, *item = NULL;
    PyObject *begin = PyLong_FromSsize_t(first), *end = PyLong_FromSsize_t(last);
    PyObject *back = PyLong_FromSsize_t(-last);
    if (begin == NULL || end == NULL || back == NULL)
        goto done;
    folded = PyObject_CallMethod(text, "lower", NULL);
    if (folded == NULL)
        goto done;
    PyObject *values[5] = {PyTuple_GET_ITEM(hit, 1), begin, end, text, PyTuple_GET_ITEM(hit, 0)};
    light = new_frozen(cls, slots, values, 5);
    if (light == NULL)
        goto done;
    place = PyTuple_Pack(3, PyTuple_GET_ITEM(info, 0), begin, back);
    if (place == NULL)
        goto done;
    item = PyTuple_Pack(4, place, light, folded, text);
done:
    Py_XDECREF(place);
    Py_XDECREF(light);
    Py_XDECREF(folded);
    Py_XDECREF(back);
    Py_XDECREF(end);
    Py_XDECREF(begin);
    Py_DECREF(text);
    if (item == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "word_item failed");
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
        PyObject *hit = PyList_GET_ITEM(hits, i);
        PyObject *item = PyDict_GetItemWithError(cache, hit);  /* borrowed */
        if (item != NULL) {
            Py_INCREF(item);
            PyList_SET_ITEM(found, i, item);
            continue;
        }
        if (PyErr_Occurred())
            goto fail;
        /* a hit: (term as written, field, (start, end)) */
        PyObject *info = NULL;
        Py_ssize_t start = -1, end = -1;
        if (PyTuple_Check(hit) && PyTuple_GET_SIZE(hit) == 3) {
            PyObject *span = PyTuple_GET_ITEM(hit, 2);
            if (PyTuple_Check(span) && PyTuple_GET_SIZE(span) == 2) {
                start = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 0));
                end = PyLong_AsSsize_t(PyTuple_GET_ITEM(span, 1));
                if (PyErr_Occurred())
                    goto fail;
            }
            if (end == start + 1) {
                info = PyDict_GetItemWithError(fields, PyTuple_GET_ITEM(hit, 1));
                if (info == NULL && PyErr_Occurred())
                    goto fail;
            }
        }
        if (info != NULL) {
            item = word_item(hit, start, info, cls, plain ? slots : NULL);
            if (item == NULL && PyErr_Occurred())
                goto fail;
            if (item != NULL && PyDict_SetItem(cache, hit, item) < 0) {
                Py_DECREF(item);
                goto fail;
            }
        }
        if (item == NULL) {  /* not one ASCII word of a plain field: made in Python */
            item = PyObject_CallOneArg(make, hit);
            if (item == NULL)
                goto fail;
        }
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

/* evaluate(numbers, slots, state, title, text, feed, language, cls) -> [cls(...)]: see
 * _pure.evaluate */
static PyObject *
kernel_evaluate(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "evaluate() takes 8 arguments");
        return NULL;
    }
    PyObject *numbers = args[0], *topics = args[1], *state = args[2], *language = args[6],
             *cls = args[7];
    if (!PyList_Check(numbers) || !PyList_Check(topics) || !PyUnicode_Check(language)
        || !PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError,
                        "evaluate() takes two lists, the state, three word sets, a str, a class");
        return NULL;
    }
    PyObject *found = NULL, *reports = NULL, *report = NULL;
    PyObject *descriptors[3] = {NULL, NULL, NULL};
    reports = PyObject_GetAttr(state, str_reports);
    if (reports == NULL)
        goto done;
    if (!PyDict_Check(reports)) {
        PyErr_SetString(PyExc_TypeError, "the state's reports must be a dict");
        goto done;
    }
    report = PyObject_GetAttr(state, str_report);
    if (report == NULL)
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
    int filtered = PyUnicode_GET_LENGTH(language) > 0;
    PyObject *call[4] = {state, args[3], args[4], args[5]};
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(numbers); i++) {
        Py_ssize_t number = PyLong_AsSsize_t(PyList_GET_ITEM(numbers, i));
        if (number == -1 && PyErr_Occurred())
            goto fail;
        if (number < 0 || number >= PyList_GET_SIZE(topics)) {
            PyErr_SetString(PyExc_IndexError, "no topic of that number");
            goto fail;
        }
        PyObject *topic = PyList_GET_ITEM(topics, number);
        if (topic == Py_None)
            continue;
        Py_INCREF(topic);  /* a call below may change the list */
        PyObject *fired = NULL, *pair = NULL, *spec = NULL, *name = NULL;
        int ok = 0;
        if (filtered) {
            PyObject *languages = PyObject_GetAttr(topic, str_languages);
            if (languages == NULL)
                goto next;
            int some = PyObject_IsTrue(languages);
            int contained = some > 0 ? PySequence_Contains(languages, language) : 1;
            Py_DECREF(languages);
            if (some < 0 || contained < 0)
                goto next;
            if (!contained) {
                ok = 1;
                goto next;
            }
        }
        PyObject *run = PyObject_GetAttr(topic, str_run_);
        if (run == Py_None) {
            Py_DECREF(run);
            run = PyObject_GetAttr(topic, str_run);  /* compiles it */
        }
        if (run == NULL)
            goto next;
        fired = PyObject_Vectorcall(run, call, 4, NULL);
        Py_DECREF(run);
        if (fired == NULL)
            goto next;
        if (fired == Py_None) {
            ok = 1;
            goto next;
        }
        pair = PyDict_GetItemWithError(reports, fired);  /* borrowed */
        if (pair != NULL)
            Py_INCREF(pair);
        else if (PyErr_Occurred())
            goto next;
        else
            pair = PyObject_CallOneArg(report, fired);
        if (pair == NULL)
            goto next;
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "a report is a pair");
            goto next;
        }
        spec = PyObject_GetAttr(topic, str_spec);
        if (spec == NULL)
            goto next;
        name = PyObject_GetAttr(spec, str_name);
        if (name == NULL)
            goto next;
        PyObject *values[3] = {name, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)};
        PyObject *made = new_frozen(cls, plain ? descriptors : NULL, values, 3);
        if (made == NULL)
            goto next;
        ok = PyList_Append(found, made) == 0;
        Py_DECREF(made);
    next:
        Py_XDECREF(name);
        Py_XDECREF(spec);
        Py_XDECREF(pair);
        Py_XDECREF(fired);
        Py_DECREF(topic);
        if (!ok)
            goto fail;
    }
    goto done;
fail:
    Py_CLEAR(found);
done:
    for (int i = 0; i < 3; i++)
        Py_XDECREF(descriptors[i]);
    Py_XDECREF(report);
    Py_XDECREF(reports);
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

/* fast_report(items, max_highlights, max_words, limited) -> (words, highlights) or None:
 * see _pure.fast_report */
static PyObject *
kernel_fast_report(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "fast_report() takes 4 arguments");
        return NULL;
    }
    PyObject *items = args[0], *limited = args[3];
    Py_ssize_t max_highlights = PyLong_AsSsize_t(args[1]);
    Py_ssize_t max_words = PyLong_AsSsize_t(args[2]);
    if ((max_highlights == -1 || max_words == -1) && PyErr_Occurred())
        return NULL;
    if (!PyList_Check(items)) {
        PyErr_SetString(PyExc_TypeError, "fast_report() takes a list of items");
        return NULL;
    }
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
    PyObject *values = PyDict_Values(words);
    if (values == NULL) {
        Py_DECREF(highlights);
        goto done;
    }
    if (max_words < 0)
        max_words = 0;
    if (PyList_GET_SIZE(values) > max_words
        && PyList_SetSlice(values, max_words, PyList_GET_SIZE(values), NULL) < 0) {
        Py_DECREF(values);
        Py_DECREF(highlights);
        goto done;
    }
    result = PyTuple_Pack(2, values, highlights);
    Py_DECREF(values);
    Py_DECREF(highlights);
done:
    Py_XDECREF(words);
    Py_DECREF(kept);
    return result;
}

/* seconds(pairs) -> {second for _first, second in pairs} (the atoms an automaton found) */
static PyObject *
kernel_seconds(PyObject *module, PyObject *pairs)
{
    PyObject *found = PySet_New(NULL);
    if (found == NULL)
        return NULL;
    PyObject *iterator = PyObject_GetIter(pairs);
    if (iterator == NULL)
        goto fail;
    PyObject *pair;
    while ((pair = PyIter_Next(iterator)) != NULL) {
        int failed = !PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2;
        if (failed)
            PyErr_SetString(PyExc_TypeError, "seconds() takes pairs");
        else
            failed = PySet_Add(found, PyTuple_GET_ITEM(pair, 1)) < 0;
        Py_DECREF(pair);
        if (failed) {
            Py_DECREF(iterator);
            goto fail;
        }
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred())
        goto fail;
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

/* token_offsets(parts) -> running sums of the lengths of parts[:-1] (see
 * FieldIndex.token_offsets) */
static PyObject *
kernel_token_offsets(PyObject *module, PyObject *parts)
{
    if (!PyList_Check(parts)) {
        PyErr_SetString(PyExc_TypeError, "token_offsets() takes a list of strings");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(parts) - 1;
    if (n < 0)
        n = 0;
    PyObject *found = PyList_New(n);
    if (found == NULL)
        return NULL;
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part = PyList_GET_ITEM(parts, i);
        if (!PyUnicode_Check(part)) {
            PyErr_SetString(PyExc_TypeError, "token_offsets() takes a list of strings");
            Py_DECREF(found);
            return NULL;
        }
        total += PyUnicode_GET_LENGTH(part);
        PyObject *offset = PyLong_FromSsize_t(total);
        if (offset == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        PyList_SET_ITEM(found, i, offset);
    }
    return found;
}

static PyMethodDef kernel_methods[] = {
    {"positions", (PyCFunction)kernel_positions, METH_O,
     "positions(tokens) -> {word: [token offsets, ascending]}"},
    {"candidates", (PyCFunction)(void (*)(void))kernel_candidates, METH_FASTCALL,
     "candidates(present, direct, checked, always) -> sorted topic numbers"},
    {"single_spans", (PyCFunction)kernel_single_spans, METH_O,
     "single_spans(offsets) -> [(p, p + 1) for p in offsets]"},
    {"phrase_spans", (PyCFunction)(void (*)(void))kernel_phrase_spans, METH_FASTCALL,
     "phrase_spans(present, positions, tokens, words) -> spans of the phrase"},
    {"evaluate", (PyCFunction)(void (*)(void))kernel_evaluate, METH_FASTCALL,
     "evaluate(numbers, topics, state, title, text, feed, language, cls) -> matches"},
    {"items", (PyCFunction)(void (*)(void))kernel_items, METH_FASTCALL,
     "items(hits, cache, fields, cls, make) -> the item of each hit"},
    {"seconds", (PyCFunction)kernel_seconds, METH_O,
     "seconds(pairs) -> the set of the second items of the pairs"},
    {"token_offsets", (PyCFunction)kernel_token_offsets, METH_O,
     "token_offsets(parts) -> running sums of the lengths of all parts but the last"},
    {"fast_report", (PyCFunction)(void (*)(void))kernel_fast_report, METH_FASTCALL,
     "fast_report(items, max_highlights, max_words, limited) -> report or None"},
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
        {&str_languages, "languages"}, {&str_run_, "_run"}, {&str_run, "run"},
        {&str_spec, "spec"}, {&str_name, "name"}, {&str_reports, "_reports"},
        {&str_report, "report"}, {&str_topic, "topic"}, {&str_matched, "matched"},
        {&str_highlights, "highlights"}, {&str_field, "field"}, {&str_start, "start"},
        {&str_end, "end"}, {&str_text, "text"}, {&str_term, "term"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (*names[i].name == NULL) {
            *names[i].name = PyUnicode_InternFromString(names[i].text);
            if (*names[i].name == NULL)
                return NULL;
        }
    }
    return PyModule_Create(&kernel_module);
}
