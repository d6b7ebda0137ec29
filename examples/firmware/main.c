/* A firmware-style program on edgerun's C API: the model is compiled into the image as a const array
 * (`edgerun convert --c-array`), the arena is a static buffer of exactly the size `edgerun arena`
 * printed, only the model's ops are registered, and nothing touches a file system. After load, the
 * runs allocate nothing.
 *
 * Built by examples/firmware/CMakeLists.txt against the firmware build (-DEDGERUN_MINIMAL=ON) with
 * MODEL_ARENA_BYTES, MODEL_INPUT_FLOATS and MODEL_OUTPUT_FLOATS from the model; the model here is the
 * INT8 (SPTQ) ResNet-50, whose ops MODEL_OPS lists. It fills its float input with a fixed pattern,
 * runs, and prints the top-1 class and every output value (the firmware test compares them with
 * `edgerun run` on the same .edgr model and input). */
#include <stdio.h>
#include <string.h>

#include "engine/edgerun.h"

extern const unsigned char model_edgr[];
extern const unsigned long model_edgr_size;

static unsigned char arena[MODEL_ARENA_BYTES] __attribute__((aligned(EDGERUN_ARENA_ALIGNMENT)));
static float input[MODEL_INPUT_FLOATS];
static float output[MODEL_OUTPUT_FLOATS];

/* The ops of the INT8 ResNet-50, as `edgerun arena` lists them: the linker keeps only their kernels. */
static void register_ops(edgerun_op_resolver* ops) {
  edgerun_op_resolver_add_DequantizeLinear(ops);
  edgerun_op_resolver_add_Flatten(ops);
  edgerun_op_resolver_add_Identity(ops);
  edgerun_op_resolver_add_MaxPool(ops);
  edgerun_op_resolver_add_QConv(ops);
  edgerun_op_resolver_add_QLinearAdd(ops);
  edgerun_op_resolver_add_QLinearGlobalAveragePool(ops);
  edgerun_op_resolver_add_QMatMul(ops);
  edgerun_op_resolver_add_QuantizeLinear(ops);
}

static int check_port(const edgerun_tensor_info* info, size_t capacity_floats, const char* what) {
  if (info->dtype != EDGERUN_DTYPE_FLOAT || info->byte_size != capacity_floats * sizeof(float)) {
    printf("error: %s '%s' is %zu bytes of type %d; this image was built for %zu floats\n", what, info->name,
           info->byte_size, (int)info->dtype, capacity_floats);
    return 0;
  }
  return 1;
}

int main(void) {
  edgerun_op_resolver ops;
  memset(&ops, 0, sizeof ops);
  register_ops(&ops);
  edgerun_model* model = NULL;
  char error[256];
  if (edgerun_model_load(model_edgr, model_edgr_size, &ops, &model, error, sizeof error) != EDGERUN_OK) {
    printf("error: %s\n", error);
    return 1;
  }
  edgerun_tensor_info in_info, out_info;
  if (edgerun_model_num_inputs(model) != 1 || edgerun_model_num_outputs(model) != 1 ||
      edgerun_model_input_info(model, 0, &in_info) != EDGERUN_OK ||
      edgerun_model_output_info(model, 0, &out_info) != EDGERUN_OK ||
      !check_port(&in_info, MODEL_INPUT_FLOATS, "input") || !check_port(&out_info, MODEL_OUTPUT_FLOATS, "output")) {
    printf("error: the model is not the one this image was built for\n");
    edgerun_model_free(model);
    return 1;
  }
  const size_t need = edgerun_model_arena_size(model);
  printf("arena %zu of %zu bytes\n", need, sizeof arena);

  for (size_t i = 0; i < MODEL_INPUT_FLOATS; ++i) input[i] = (float)((i * 37u) % 256u) / 255.0f - 0.5f;
  const void* inputs[1] = {input};
  void* outputs[1] = {output};
  /* Twice: the second run reuses the arena and must agree with the first. */
  static float first[MODEL_OUTPUT_FLOATS];
  for (int run = 0; run < 2; ++run) {
    if (edgerun_model_run(model, arena, sizeof arena, inputs, outputs) != EDGERUN_OK) {
      printf("error: %s\n", edgerun_model_error(model));
      edgerun_model_free(model);
      return 1;
    }
    if (run == 0) memcpy(first, output, sizeof output);
  }
  if (memcmp(first, output, sizeof output) != 0) {
    printf("error: two runs on the same input differ\n");
    edgerun_model_free(model);
    return 1;
  }
  size_t top1 = 0;
  for (size_t i = 1; i < MODEL_OUTPUT_FLOATS; ++i) top1 = output[i] > output[top1] ? i : top1;
  printf("top1 %zu\n", top1);
  for (size_t i = 0; i < MODEL_OUTPUT_FLOATS; ++i) printf("%.9g\n", (double)output[i]);
  edgerun_model_free(model);
  return 0;
}
