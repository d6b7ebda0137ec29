// The element types numeric reference kernels are instantiated for (the C types of graph/dtype.h's
// numeric dtypes; kernels include nothing from graph/, so the list is repeated here).
#pragma once

#include <cstdint>

#define EDGERUN_REF_NUMERIC_TYPES(X) \
  X(float) X(double) X(int8_t) X(uint8_t) X(int16_t) X(uint16_t) X(int32_t) X(uint32_t) X(int64_t) X(uint64_t)
