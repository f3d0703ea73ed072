/* The MinHash of a text's word shingles, compiled: what ``shingle_hashes`` and
 * ``minhash_values`` in neardup.py compute with numpy, with the same results (the unit tests
 * compare the two, and both with datasketch), in one pass without temporary arrays.
 *
 * Setting NEWSWATCH_PURE_PYTHON to anything but "" or "0" makes importing this module fail,
 * so that the numpy functions are used (neardup.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* zlib.crc32 (CRC-32/ISO-HDLC, reflected polynomial 0xEDB88320), table built at import */
static uint32_t crc_table[256];

static void
crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t
crc32_of(const unsigned char *data, Py_ssize_t size)
{
    uint32_t c = 0xFFFFFFFFu;
    for (Py_ssize_t i = 0; i < size; i++)
        c = crc_table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme mixes each hash */
static inline uint32_t
fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* the golden-ratio multiplier of the rolling shingle hash (neardup._K) */
#define ROLL 0x9E3779B97F4A7C15ull

/* Each shingle's hash, or 0 for a repeated one; the number of distinct hashes is returned.
 * Distinct hashes are found with an open-addressing set of 2^k >= 2 * count slots. */
static Py_ssize_t
distinct_shingles(const uint64_t *words, Py_ssize_t n, Py_ssize_t width, uint32_t *out,
                  uint8_t *fresh, uint64_t *slots, size_t mask)
{
    Py_ssize_t count = n - width + 1, distinct = 0;
    for (Py_ssize_t j = 0; j < count; j++) {
        uint64_t rolled = 0;  /* wraps modulo 2^64, as meant */
        for (Py_ssize_t k = 0; k < width; k++)
            rolled = rolled * ROLL + words[j + k];
        uint32_t hash = (uint32_t)(rolled >> 32) ^ (uint32_t)rolled;
        uint64_t key = (uint64_t)hash + 1;  /* 0 marks an empty slot */
        size_t at = fmix32(hash) & mask;
        while (slots[at] != 0 && slots[at] != key)
            at = (at + 1) & mask;
        out[j] = hash;
        fresh[j] = slots[at] == 0;
        if (fresh[j]) {
            slots[at] = key;
            distinct++;
        }
    }
    return distinct;
}

/* the minimum over the shingles of each permutation a * fmix32(h) + b (mod 2^32) */
static void
minimum_hashes(const uint32_t *restrict hashes, const uint8_t *restrict fresh, Py_ssize_t count,
               const uint32_t *restrict a, const uint32_t *restrict b, Py_ssize_t perms,
               uint32_t *restrict values)
{
    for (Py_ssize_t p = 0; p < perms; p++)
        values[p] = 0xFFFFFFFFu;
    for (Py_ssize_t j = 0; j < count; j++) {
        if (!fresh[j])
            continue;
        uint32_t h = fmix32(hashes[j]);
        for (Py_ssize_t p = 0; p < perms; p++) {  /* vectorised by the compiler */
            uint32_t v = a[p] * h + b[p];
            values[p] = v < values[p] ? v : values[p];
        }
    }
}

/* signature(tokens, width, a, b) -> (values, shingles): see the module's docstring */
static PyObject *
minhash_signature(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyList_Check(args[0]) || !PyLong_Check(args[1]) ||
        !PyBytes_Check(args[2]) || !PyBytes_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "signature() takes a list of words, a width and two bytes objects");
        return NULL;
    }
    PyObject *tokens = args[0];
    Py_ssize_t width = PyLong_AsSsize_t(args[1]);
    if (width == -1 && PyErr_Occurred())
        return NULL;
    Py_ssize_t size = PyBytes_GET_SIZE(args[2]);
    if (width < 1 || size == 0 || size % 4 != 0 || PyBytes_GET_SIZE(args[3]) != size) {
        PyErr_SetString(PyExc_ValueError,
                        "signature() needs a width of at least 1 and two permutation "
                        "arrays of one size, a multiple of 4 bytes");
        return NULL;
    }
    Py_ssize_t perms = size / 4;
    uint32_t *a = PyMem_Malloc(2 * (size_t)size);
    if (a == NULL)
        return PyErr_NoMemory();
    uint32_t *b = a + perms;
    memcpy(a, PyBytes_AS_STRING(args[2]), (size_t)size);  /* aligned copies */
    memcpy(b, PyBytes_AS_STRING(args[3]), (size_t)size);
    PyObject *result = NULL;
    uint64_t *words = NULL, *slots = NULL;
    uint32_t *hashes = NULL;
    uint8_t *fresh = NULL;
    PyObject *values = PyBytes_FromStringAndSize(NULL, size);
    if (values == NULL)
        goto done;
    uint32_t *mins = (uint32_t *)PyBytes_AS_STRING(values);
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    if (n == 0) {  /* no shingle: every minimum stays at its ceiling */
        for (Py_ssize_t p = 0; p < perms; p++)
            mins[p] = 0xFFFFFFFFu;
        result = Py_BuildValue("(On)", values, (Py_ssize_t)0);
        goto done;
    }
    if (width > n)
        width = n;  /* a text shorter than a shingle is one shingle */
    Py_ssize_t count = n - width + 1;
    size_t capacity = 16;
    while (capacity < 2 * (size_t)count)
        capacity <<= 1;
    words = PyMem_Malloc((size_t)n * sizeof(uint64_t));
    hashes = PyMem_Malloc((size_t)count * sizeof(uint32_t));
    fresh = PyMem_Malloc((size_t)count);
    slots = PyMem_Calloc(capacity, sizeof(uint64_t));
    if (words == NULL || hashes == NULL || fresh == NULL || slots == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);  /* borrowed */
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "signature() takes a list of str");
            goto done;
        }
        Py_ssize_t length;
        const char *utf8 = PyUnicode_AsUTF8AndSize(token, &length);  /* str.encode() */
        if (utf8 == NULL)
            goto done;
        words[i] = crc32_of((const unsigned char *)utf8, length);
    }
    Py_ssize_t distinct = distinct_shingles(words, n, width, hashes, fresh, slots,
                                            capacity - 1);
    minimum_hashes(hashes, fresh, count, a, b, perms, mins);
    result = Py_BuildValue("(On)", values, distinct);
done:
    Py_XDECREF(values);
    PyMem_Free(a);
    PyMem_Free(words);
    PyMem_Free(hashes);
    PyMem_Free(fresh);
    PyMem_Free(slots);
    return result;
}

static PyMethodDef minhash_methods[] = {
    {"signature", (PyCFunction)(void (*)(void))minhash_signature, METH_FASTCALL,
     "signature(tokens, width, a, b) -> (the minimum hashes as native uint32 bytes, the "
     "number of distinct shingles)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef minhash_module = {
    PyModuleDef_HEAD_INIT,
    "newswatch.core._minhash",
    "The MinHash of a text's word shingles, compiled (see neardup.py).",
    0,
    minhash_methods,
};

PyMODINIT_FUNC
PyInit__minhash(void)
{
    const char *pure = getenv("NEWSWATCH_PURE_PYTHON");
    if (pure != NULL && pure[0] != '\0' && strcmp(pure, "0") != 0) {
        PyErr_SetString(PyExc_ImportError,
                        "the compiled MinHash is disabled by NEWSWATCH_PURE_PYTHON");
        return NULL;
    }
    crc_init();
    return PyModule_Create(&minhash_module);
}
