/* The headers dnnl_h is generated from: the primitives API and its debug helpers (dnnl_status2str, ...). */
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>
