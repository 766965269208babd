/* Optional speed-ups for cvscan, built where a C compiler is at hand (setup.py marks the extension optional):
 * the pure-Python code in scanner/extract/pdfium.py does the same work when this module is missing.
 *
 * Through ctypes each call into PDFium costs some 3,400 instructions of argument handling, more than most of
 * the calls themselves; a page has thousands of characters. These functions make the calls in C loops. Their
 * `textpage` and function arguments are addresses that pypdfium2 has loaded and opened (the caller holds the
 * text page open during the call):
 *
 * char_boxes(box, textpage, count): FPDFText_GetLooseCharBox of each of the page's first `count` characters,
 *   as one bytes object of `count` FS_RECTF records (left, top, right, bottom: four C floats each).
 * generated_flags(is_generated, textpage, count): FPDFText_IsGenerated of each character, a byte each.
 * run_facts(matrix, size, font_info, origin, textpage, starts): for each index in the list `starts`, the
 *   character's matrix (a, b, c, d; 1, 0, 0, 1 where PDFium has none), font size and origin's y, as six C
 *   doubles in one bytes object, and a list of its font names (bytes, or None where PDFium gives none or a
 *   name longer than 255 bytes).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    float left;
    float top;
    float right;
    float bottom;
} FS_RECTF;

typedef struct {
    float a, b, c, d, e, f;
} FS_MATRIX;

/* PDFium's FPDF_CALLCONV: __stdcall on 32-bit Windows, the platform's one convention elsewhere. */
#if defined(_WIN32) && !defined(_WIN64)
#define FPDF_CALLCONV __stdcall
#else
#define FPDF_CALLCONV
#endif

/* FPDF_BOOL FPDFText_GetLooseCharBox(FPDF_TEXTPAGE text_page, int index, FS_RECTF* rect) */
typedef int(FPDF_CALLCONV *loose_char_box)(void *, int, FS_RECTF *);
/* int FPDFText_IsGenerated(FPDF_TEXTPAGE text_page, int index) */
typedef int(FPDF_CALLCONV *is_generated)(void *, int);
/* FPDF_BOOL FPDFText_GetMatrix(FPDF_TEXTPAGE text_page, int index, FS_MATRIX* matrix) */
typedef int(FPDF_CALLCONV *get_matrix)(void *, int, FS_MATRIX *);
/* double FPDFText_GetFontSize(FPDF_TEXTPAGE text_page, int index) */
typedef double(FPDF_CALLCONV *get_font_size)(void *, int);
/* unsigned long FPDFText_GetFontInfo(FPDF_TEXTPAGE text_page, int index, void* buffer, unsigned long buflen,
   int* flags) */
typedef unsigned long(FPDF_CALLCONV *get_font_info)(void *, int, void *, unsigned long, int *);
/* FPDF_BOOL FPDFText_GetCharOrigin(FPDF_TEXTPAGE text_page, int index, double* x, double* y) */
typedef int(FPDF_CALLCONV *get_char_origin)(void *, int, double *, double *);

#define FONT_ROOM 256

/* The arguments of a loop over a page's first characters, (function, textpage, count), and its output: a bytes
 * object of `count` records of `record` bytes. NULL, with the exception set, when they are wrong. */
static PyObject *page_loop(PyObject *args, const char *name, size_t record, uintptr_t *function, void **textpage,
                           int *count) {
    unsigned long long function_address, textpage_address;
    if (!PyArg_ParseTuple(args, "KKi", &function_address, &textpage_address, count)) {
        return NULL;
    }
    if (function_address == 0 || textpage_address == 0 || *count < 0) {
        PyErr_Format(PyExc_ValueError, "%s needs a function, a text page and a count of 0 or more", name);
        return NULL;
    }
    *function = (uintptr_t)function_address;  /* a function's address: no object pointer on the way (ISO C) */
    *textpage = (void *)(uintptr_t)textpage_address;
    return PyBytes_FromStringAndSize(NULL, (Py_ssize_t)*count * (Py_ssize_t)record);
}

static PyObject *char_boxes(PyObject *self, PyObject *args) {
    uintptr_t function;
    void *page;
    int count;
    PyObject *out = page_loop(args, "char_boxes", sizeof(FS_RECTF), &function, &page, &count);
    if (out == NULL) {
        return NULL;
    }
    FS_RECTF *rects = (FS_RECTF *)PyBytes_AS_STRING(out);
    loose_char_box box = (loose_char_box)function;
    for (int i = 0; i < count; i++) {
        if (!box(page, i, &rects[i])) {
            rects[i].left = rects[i].top = rects[i].right = rects[i].bottom = 0.0f;
        }
    }
    return out;
}

static PyObject *generated_flags(PyObject *self, PyObject *args) {
    uintptr_t function;
    void *page;
    int count;
    PyObject *out = page_loop(args, "generated_flags", 1, &function, &page, &count);
    if (out == NULL) {
        return NULL;
    }
    char *flags = PyBytes_AS_STRING(out);
    is_generated generated = (is_generated)function;
    for (int i = 0; i < count; i++) {
        flags[i] = (char)(generated(page, i) == 1);
    }
    return out;
}

static PyObject *run_facts(PyObject *self, PyObject *args) {
    unsigned long long matrix_fn, size_fn, font_fn, origin_fn, textpage;
    PyObject *starts;
    if (!PyArg_ParseTuple(args, "KKKKKO", &matrix_fn, &size_fn, &font_fn, &origin_fn, &textpage, &starts)) {
        return NULL;
    }
    if (matrix_fn == 0 || size_fn == 0 || font_fn == 0 || origin_fn == 0 || textpage == 0) {
        PyErr_SetString(PyExc_ValueError, "run_facts needs four functions and a text page");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(starts, "run_facts needs a sequence of character indexes");
    if (seq == NULL) {
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *packed = PyBytes_FromStringAndSize(NULL, n * 6 * (Py_ssize_t)sizeof(double));
    PyObject *names = PyList_New(n);
    if (packed == NULL || names == NULL) {
        Py_XDECREF(packed);
        Py_XDECREF(names);
        Py_DECREF(seq);
        return NULL;
    }
    double *out = (double *)PyBytes_AS_STRING(packed);
    void *page = (void *)(uintptr_t)textpage;
    get_matrix matrix = (get_matrix)(uintptr_t)matrix_fn;
    get_font_size size = (get_font_size)(uintptr_t)size_fn;
    get_font_info font = (get_font_info)(uintptr_t)font_fn;
    get_char_origin origin = (get_char_origin)(uintptr_t)origin_fn;
    char buffer[FONT_ROOM];
    for (Py_ssize_t k = 0; k < n; k++) {
        long index = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, k));
        if (index == -1 && PyErr_Occurred()) {
            goto fail;
        }
        if (index < 0 || index > INT32_MAX) {
            PyErr_SetString(PyExc_ValueError, "a character index is out of range");
            goto fail;
        }
        double *facts = out + 6 * k;
        FS_MATRIX m;
        if (matrix(page, (int)index, &m)) {
            facts[0] = m.a, facts[1] = m.b, facts[2] = m.c, facts[3] = m.d;
        } else {
            facts[0] = 1.0, facts[1] = 0.0, facts[2] = 0.0, facts[3] = 1.0;
        }
        facts[4] = size(page, (int)index);
        double x = 0.0, y = 0.0;
        origin(page, (int)index, &x, &y);
        facts[5] = y;
        int flags = 0;
        unsigned long length = font(page, (int)index, buffer, FONT_ROOM, &flags);
        PyObject *name;
        if (length > 0 && length <= FONT_ROOM) {
            name = PyBytes_FromStringAndSize(buffer, (Py_ssize_t)strnlen(buffer, length));
            if (name == NULL) {
                goto fail;
            }
        } else {
            name = Py_NewRef(Py_None);
        }
        PyList_SET_ITEM(names, k, name);
    }
    Py_DECREF(seq);
    return Py_BuildValue("(NN)", packed, names);
fail:
    Py_DECREF(seq);
    Py_DECREF(packed);
    Py_DECREF(names);
    return NULL;
}

static PyMethodDef methods[] = {
    {"char_boxes", char_boxes, METH_VARARGS,
     "char_boxes(function, textpage, count) -> bytes: FPDFText_GetLooseCharBox of each character, as FS_RECTF."},
    {"generated_flags", generated_flags, METH_VARARGS,
     "generated_flags(function, textpage, count) -> bytes: FPDFText_IsGenerated of each character, a byte each."},
    {"run_facts", run_facts, METH_VARARGS,
     "run_facts(matrix, size, font_info, origin, textpage, starts) -> (bytes, list): matrix, size and origin y "
     "of each start as six doubles, and its font name."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "scanner._speedups", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
