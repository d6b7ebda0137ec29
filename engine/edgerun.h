/* edgerun.h: the C API for firmware and other C callers.
 *
 * Life of a model, in TFLite Micro's terms init / prepare / invoke:
 *
 *   edgerun_op_resolver ops = {0};                 // register the ops the model uses, and only those:
 *   edgerun_op_resolver_add_QConv(&ops);           //   the linker drops every other op's kernels
 *   ...                                            //   (`edgerun arena model.edgr` lists them)
 *   edgerun_model* model;
 *   char error[256];
 *   if (edgerun_model_load(model_edgr, model_edgr_size, &ops, &model, error, sizeof error) != EDGERUN_OK) ...
 *   size_t need = edgerun_model_arena_size(model);  // exact: activations, padding, kernel scratch
 *   ...
 *   edgerun_model_run(model, arena, sizeof arena, inputs, outputs);  // allocates nothing
 *   edgerun_model_free(model);
 *
 * The model is a native .edgr file (`edgerun convert model.onnx -o model.edgr --c-array`) given as a
 * byte array, 16-byte aligned, that must outlive the model: weights are read in place (ROM, mmap), not
 * copied. The file is untrusted: every offset is checked and shapes are inferred again.
 *
 * Loading allocates on the heap (the plan, packed weights); running allocates nothing: activations and
 * kernel scratch live in the caller's arena, inputs are read where they are, outputs are copied into the
 * caller's buffers. A run reports errors through its status and edgerun_model_error; only building
 * that message may allocate. A model is not thread safe: one run at a time. */
#ifndef EDGERUN_H_
#define EDGERUN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum edgerun_status {
  EDGERUN_OK = 0,
  EDGERUN_INVALID_ARGUMENT = 1, /* bad call: null pointer, small or misaligned arena */
  EDGERUN_INVALID_MODEL = 2,    /* malformed or inconsistent model bytes */
  EDGERUN_UNSUPPORTED = 3,      /* an op missing from the resolver, a shape known only at run time */
  EDGERUN_OUT_OF_RANGE = 4,     /* a size past a limit */
  EDGERUN_ERROR = 5             /* anything else; the message says what */
} edgerun_status;

/* Element types; the values are ONNX's TensorProto.DataType. */
enum {
  EDGERUN_DTYPE_FLOAT = 1,
  EDGERUN_DTYPE_UINT8 = 2,
  EDGERUN_DTYPE_INT8 = 3,
  EDGERUN_DTYPE_INT32 = 6,
  EDGERUN_DTYPE_INT64 = 7,
  EDGERUN_DTYPE_BOOL = 9
};

/* The arena's alignment (bytes). */
#define EDGERUN_ARENA_ALIGNMENT 64

/* One of an op's functions (shape inference, run, kernel preparation), opaque to C. */
typedef void (*edgerun_op_fn)(void);
#define EDGERUN_MAX_OPS 256

/* The ops a model may use. Zero-initialize it, then add ops. */
typedef struct edgerun_op_resolver {
  edgerun_op_fn infer[EDGERUN_MAX_OPS];
  edgerun_op_fn run[EDGERUN_MAX_OPS];
  edgerun_op_fn prepare[EDGERUN_MAX_OPS];
} edgerun_op_resolver;

/* One function per op of graph/ops/op_list.inc: edgerun_op_resolver_add_Conv, _QConv, _MaxPool, ... */
#define EDGERUN_OP(Name) void edgerun_op_resolver_add_##Name(edgerun_op_resolver* resolver);
#include "graph/ops/op_list.inc"
#undef EDGERUN_OP

/* Every op (hosts and tests: links every kernel). */
void edgerun_op_resolver_add_all(edgerun_op_resolver* resolver);

typedef struct edgerun_model edgerun_model;

typedef struct edgerun_tensor_info {
  const char* name;
  int32_t dtype; /* EDGERUN_DTYPE_* */
  size_t rank;
  const int64_t* dims;
  size_t byte_size;
  /* Per-tensor quantization of 8-bit tensors: real = scale * (q - zero_point); scale 0 when none. */
  float scale;
  int32_t zero_point;
} edgerun_tensor_info;

/* Loads a .edgr model from `data` (16-byte aligned, alive until edgerun_model_free). On failure
 * *model is null and `error` (if not null) gets a message naming the problem. */
edgerun_status edgerun_model_load(const void* data, size_t size, const edgerun_op_resolver* resolver,
                                  edgerun_model** model, char* error, size_t error_size);
void edgerun_model_free(edgerun_model* model);

/* The arena edgerun_model_run needs, in bytes (EDGERUN_ARENA_ALIGNMENT-aligned). */
size_t edgerun_model_arena_size(const edgerun_model* model);

size_t edgerun_model_num_inputs(const edgerun_model* model);
size_t edgerun_model_num_outputs(const edgerun_model* model);
/* Fills *info for input / output `index`; the pointers stay valid while the model lives. */
edgerun_status edgerun_model_input_info(const edgerun_model* model, size_t index, edgerun_tensor_info* info);
edgerun_status edgerun_model_output_info(const edgerun_model* model, size_t index, edgerun_tensor_info* info);

/* Runs the model: inputs[i] holds input i (its info's byte_size, read in place), outputs[i] receives
 * output i. `arena` is EDGERUN_ARENA_ALIGNMENT-aligned with at least edgerun_model_arena_size bytes;
 * its contents need not survive between runs. Allocates nothing. */
edgerun_status edgerun_model_run(edgerun_model* model, void* arena, size_t arena_size, const void* const* inputs,
                                 void* const* outputs);

/* Early-exit models: the exit that ended the last run, or -1 when it ran to its last step. */
int edgerun_model_last_exit(const edgerun_model* model);

/* The message of the model's last failed call ("" after a success). */
const char* edgerun_model_error(const edgerun_model* model);

#ifdef __cplusplus
}
#endif

#endif /* EDGERUN_H_ */
