// EDGERUN_OMP(...) expands to `#pragma omp ...` when the build has OpenMP and to nothing otherwise, so
// the minimal build (no -fopenmp) does not trip -Wunknown-pragmas under -Werror.
#pragma once

#define EDGERUN_OMP_STRINGIFY(x) #x
#define EDGERUN_OMP_PRAGMA(x) _Pragma(EDGERUN_OMP_STRINGIFY(x))
#if defined(_OPENMP)
#define EDGERUN_OMP(...) EDGERUN_OMP_PRAGMA(omp __VA_ARGS__)
#else
#define EDGERUN_OMP(...)
#endif
