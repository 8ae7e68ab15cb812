#include "scenario/scale.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace scsim::scenario {

namespace {
constexpr int64_t kDay = 86400;
}

Scenario scale_scenario(const Scenario& in, const ScaleSpec& s) {
  Scenario sc = in;
  const int copies = std::max(1, s.copies);
  const int days = std::max(1, s.days);
  const int n = int(in.cluster.agents.size());
  for (int k = 1; k < copies; ++k) {
    for (const auto& a : in.cluster.agents) {
      model::AgentSpec b = a;
      b.name = a.name + "_" + std::to_string(k);
      b.dn = a.dn + "_" + std::to_string(k);
      sc.cluster.agents.push_back(std::move(b));
    }
  }
  if (copies > 1 || days > 1) {
    // Each action of a day, then its copies for the other rosters, day after day; the stable
    // sort keeps that order among actions at the same instant.
    std::vector<model::Action> tl;
    for (int d = 0; d < days; ++d) {
      for (const auto& a : in.timeline) {
        model::Action x = a;
        x.at = a.at + seconds(double(d * kDay));
        tl.push_back(x);
        if (a.agent < 0) continue;
        for (int k = 1; k < copies; ++k) {
          x.agent = a.agent + k * n;
          tl.push_back(x);
        }
      }
    }
    std::stable_sort(tl.begin(), tl.end(),
                     [](const model::Action& x, const model::Action& y) { return x.at < y.at; });
    sc.timeline = std::move(tl);
  }
  const double f = std::max(1, s.calls_factor);
  auto shrink = [f](Distribution& d) {
    d.mean /= f;
    d.sd /= f;
    d.lo /= f;
    d.hi /= f;
  };
  for (auto& st : sc.cluster.workload.streams) {
    if (f != 1) {
      shrink(st.handle);
      shrink(st.acw);
      shrink(st.patience);
    }
    st.rate_per_s *= copies * f;
    if (st.profile_per_s.empty()) continue;
    // The profile covers one day; repeat it (its last value held to the day's end) every day.
    std::vector<double> prof;
    const size_t per_day = days > 1 && st.profile_interval > Time::zero()
                               ? size_t(kDay * 1'000'000 / st.profile_interval.micros())
                               : st.profile_per_s.size();
    for (int d = 0; d < days; ++d) {
      for (size_t i = 0; i < per_day; ++i) {
        double v = i < st.profile_per_s.size() ? st.profile_per_s[i] : st.profile_per_s.back();
        prof.push_back(v * copies * f);
      }
    }
    st.profile_per_s = std::move(prof);
  }
  if (days > 1) sc.duration = seconds(double(days * kDay));
  if (copies > 1) sc.name += "-x" + std::to_string(copies);
  return sc;
}

}  // namespace scsim::scenario
