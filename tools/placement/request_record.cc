#include "tools/placement/request_record.h"

namespace edgerun {

RequestRecord record_of(const serve::HopTiming& timing) {
  RequestRecord r;
  r.total_ms = timing.total_ms;
  for (const serve::HopTiming* hop = &timing; hop != nullptr; hop = hop->next.get()) {
    r.compute_ms.push_back(hop->compute_ms);
    r.rebuild_ms.push_back(hop->rebuild_ms);
    r.transfer_ms.push_back(hop->upload_ms + hop->download_ms);
    r.link_bytes.push_back(static_cast<int64_t>(hop->request_bytes + hop->response_bytes));
    r.serialize_ms += hop->encode_ms + hop->decode_ms + hop->server_decode_ms + hop->server_encode_ms;
  }
  return r;
}

double expected_transfer_ms(const LinkProfile& link, int64_t bytes) {
  return static_cast<double>(bytes) * 8.0 / (link.bandwidth_mbit * 1e6) * 1e3 + link.rtt_ms;
}

}  // namespace edgerun
