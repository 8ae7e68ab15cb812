// TcMesh (tc_mesh.hpp).
#include "model/tc_mesh.hpp"

namespace scsim::model {

TcMesh::TcMesh(const std::vector<int>& node_dc, Time same_dc, Time across,
               const std::vector<LinkDelaySpec>& overrides)
    : n_(int(node_dc.size())),
      chans_(size_t(n_) * size_t(n_)),
      ends_(size_t(n_) * size_t(n_)),
      pairs_(size_t(n_) * size_t(n_)),
      delay_(size_t(n_) * size_t(n_)) {
  for (int a = 0; a < n_; ++a) {
    for (int b = 0; b < n_; ++b) {
      delay_[idx(a, b)] = a == b                                     ? Time::zero()
                          : node_dc[size_t(a)] == node_dc[size_t(b)] ? same_dc
                                                                     : across;
    }
  }
  for (const auto& ld : overrides) {
    delay_[idx(ld.a, ld.b)] = ld.one_way;
    delay_[idx(ld.b, ld.a)] = ld.one_way;
  }
}

}  // namespace scsim::model
