// The cluster model: construction and the public API (cluster.hpp). The rules live in the
// files named after DOMAIN §3's sections; docs/MODEL.md maps every rule to its function.
#include "model/cluster.hpp"

#include <algorithm>
#include <cassert>
#include <optional>
#include <stdexcept>

#include "core/huge_pages.hpp"
#include "model/cluster_impl.hpp"

namespace scsim::model {

Cluster::Impl::Impl(ClusterSpec s, uint64_t seed_in) : ImplSpec(std::move(s)), seed(seed_in) {
  N = static_cast<int>(spec.nodes.size());
  D = static_cast<int>(spec.agents.size());
  G = static_cast<int>(spec.gws.size());
  if (N == 0) throw std::invalid_argument("a cluster needs at least one node");
  if (N > kNodesMax || D > kDnsMax || int64_t(N) * D > kNodeDnCellsMax) {
    throw std::invalid_argument("a cluster of " + std::to_string(N) + " nodes and " +
                                std::to_string(D) + " DNs is over the model's limits (" +
                                std::to_string(kNodesMax) + " nodes, " + std::to_string(kDnsMax) +
                                " DNs, nodes x DNs <= " + std::to_string(kNodeDnCellsMax) + ")");
  }
  if (spec.dcs.empty()) throw std::invalid_argument("a cluster needs at least one DC");
  nodes.resize(N);
  for (int n = 0; n < N; ++n) {
    nodes[n].dc = spec.nodes[n].dc;
    nodes[n].view.assign(D, ViewCell{});  // R1: no owner, OOS everywhere
    nodes[n].stat.assign(D, StatCell{});
  }
  claim_table = ClaimTable(N, D);
  alive_mask = N >= 64 ? ~uint64_t(0) : (uint64_t(1) << N) - 1;
  std::vector<int> node_dc(static_cast<size_t>(N));
  for (int n = 0; n < N; ++n)
    node_dc[size_t(n)] = spec.nodes[n].dc;
  mesh = TcMesh(node_dc, P.tc_one_way_delay_same_dc, P.tc_one_way_delay, spec.link_delays);
  proxies.resize(spec.dcs.size());
  for (int n = 0; n < N; ++n) {
    proxies[nodes[n].dc].nodes.push_back(n);
    proxies[nodes[n].dc].believed_alive.push_back(true);
  }
  for (Proxy& px : proxies)
    px.sticky.assign(size_t(D), -1);
  phones.resize(D);
  sessions.resize(D);
  dn_kind.resize(D);
  for (int d = 0; d < D; ++d) {
    dn_kind[d] = spec.agents[d].kind;
    phones[d].dc = spec.agents[d].dc;
    sessions[d].gws = spec.agents[d].gws;
  }
  gws.resize(G);
  for (int g = 0; g < G; ++g) {
    int node = spec.gws[g].node;
    if (node < 0) {
      for (int n = 0; n < N; ++n) {
        if (nodes[n].dc == spec.gws[g].dc) {
          node = n;
          break;
        }
      }
    }
    gws[g].node = node;
    gws[g].prev_node = node;
  }
  last_agent.assign(D, AgentState::logged_out);
  last_ready_since.assign(D, Time::zero());
  truth_owner_cache.assign(D, -1);
  relogin_gen.assign(D, 0);
  relogin_manual.assign(D, 0);
  probe_gen.assign(D, 0);
  truth_last_owner.assign(D, -1);
  // Prefetching the next event's per-DN state pays once that state outgrows the per-core
  // cache (about 3 500 DNs on four nodes); below that it only costs the look at the next
  // event (scsim-bench scale with it always on: 12 % slower at K = 1, 3 % at K = 5, faster
  // from about K = 10; MODEL.md choice 98).
  prefetch_next = size_t(N) * size_t(D) * (sizeof(ViewCell) + sizeof(StatCell) + sizeof(Claim)) >
                  (size_t(2) << 20);
  crashed_owner.assign(D, 0);
  init_calls();
}

ImplRngs::ImplRngs(const ImplRngs& o) : rngs(o.rngs) {
  std::map<const Rng*, uint64_t> key_of;
  for (const auto& [key, r] : o.rngs)
    key_of.emplace(&r, key);
  auto repoint = [&](const std::vector<Rng*>& from, std::vector<Rng*>& to) {
    to.reserve(from.size());
    for (const Rng* r : from)
      to.push_back(&rngs.at(key_of.at(r)));
  };
  repoint(o.routing_rng, routing_rng);
  repoint(o.stream_rng, stream_rng);
}

ImplCallIndex::ImplCallIndex(const ImplCallIndex& o) {
  queues.reserve(o.queues.size());
  for (const QueueSet& q : o.queues) {
    queues.emplace_back(QueueSet::allocator_type(&node_pool));
    for (const auto& e : q)
      queues.back().insert(queues.back().end(), e);
  }
}

std::unique_ptr<Cluster> Cluster::clone() const {
  auto im = std::make_unique<Impl>(*impl_);
  im->observers.clear();
  im->view_observers.clear();
  im->message_observers.clear();
  im->gws_link_observers.clear();  // add_observer records the GWS lanes afresh
  im->instant_observers.clear();
  im->prefetch_observers.clear();
  im->detailed_decisions = false;  // add_observer turns it on again for an observer that wants it
  im->gws_lane_shown.clear();
  im->gws_lane_node.clear();
  return std::unique_ptr<Cluster>(new Cluster(std::move(im)));
}

Cluster::Cluster(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Rng& Cluster::Impl::rng(const char* name, uint64_t id) {
  uint64_t key = hash_name(name) ^ mix64(id);
  auto it = rngs.find(key);
  if (it == rngs.end()) it = rngs.emplace(key, Rng(seed, name, id)).first;
  return it->second;
}

Cluster::Cluster(ClusterSpec spec, uint64_t seed)
    : impl_(std::make_unique<Impl>(std::move(spec), seed)) {}
Cluster::~Cluster() = default;

void Cluster::add_observer(Observer* o) {
  Impl& im = *impl_;
  im.observers.push_back(o);
  if (o->wants_node_views()) im.view_observers.push_back(o);
  if (o->wants_messages()) im.message_observers.push_back(o);
  if (o->wants_instant_ends()) im.instant_observers.push_back(o);
  if (o->wants_prefetch()) im.prefetch_observers.push_back(o);
  if (o->wants_decision_detail()) {
    im.detailed_decisions = true;
    im.enable_stale_counts();
  }
  if (o->wants_gws_links()) {
    if (im.gws_link_observers.empty()) {
      im.gws_lane_shown.assign(size_t(im.G) * size_t(im.N) * 2, -1);
      im.gws_lane_node.assign(size_t(im.G), -1);
      im.emit_gws_links();  // no one to tell yet: records the current lanes
    }
    im.gws_link_observers.push_back(o);
    // The lanes connected now, as they stand.
    for (int g = 0; g < im.G; ++g) {
      const int n = im.gws_lane_node[size_t(g)];
      if (n < 0) continue;
      for (int e = 0; e < 2; ++e) {
        o->on_gws_link(GwsLinkChange{im.sched.now(), g, n, e == 0, LinkEndState::declared_lost,
                                     im.gws_lane_state(g, n, e == 0)});
      }
    }
  }
}

// A GWS-node connection end as DOMAIN §3.7 has it (GwsLinkChange in cluster.hpp).
LinkEndState Cluster::Impl::gws_lane_state(int g, int n, bool gws_end) const {
  const Gws& gw = gws[g];
  if (!gw.alive || gw.node != n) return LinkEndState::declared_lost;
  if (!nodes[n].alive) return LinkEndState::peer_down;
  if (gw.cut) {
    const bool declared = gws_end ? gw.declared_gws : gw.declared_node;
    return declared ? LinkEndState::declared_lost : LinkEndState::cut_undeclared;
  }
  return LinkEndState::up;
}

// After each event (only while an observer wants them): reports the GWS-node connection ends
// that changed, looking at each GWS's current lane and the one it last reported.
//
// A GWS's lanes are a function of what gws_lane_state reads: the GWS's liveness, node, cut and
// declarations, and its node's liveness. Those are packed into one word per GWS and kept after
// the lane node in gws_lane_node ([G, 2G): -1 until the first report, as add_observer assigns
// only [0, G)); a GWS whose word did not change since its last report has nothing to report
// (its last lane is its current one, shown as it stands), so an event costs O(G) word compares,
// not the lane states of every GWS x node end.
void Cluster::Impl::emit_gws_links() {
  const Time now = sched.now();
  if (gws_lane_node.size() == size_t(G)) gws_lane_node.resize(size_t(G) * 2, -1);
  for (int g = 0; g < G; ++g) {
    const Gws& gw = gws[g];
    const int cur = gw.alive ? gw.node : -1;
    const int inputs = (cur + 1) << 5 | (cur >= 0 && (alive_mask >> cur & 1) ? 16 : 0) |
                       (gw.alive ? 8 : 0) | (gw.cut ? 4 : 0) | (gw.declared_gws ? 2 : 0) |
                       (gw.declared_node ? 1 : 0);
    int& seen = gws_lane_node[size_t(G + g)];
    if (seen == inputs) continue;
    seen = inputs;
    int& last = gws_lane_node[size_t(g)];
    for (int n : {last, cur}) {
      if (n < 0) continue;
      for (int e = 0; e < 2; ++e) {
        int8_t& shown = gws_lane_shown[size_t((g * N + n) * 2 + e)];
        const LinkEndState st = gws_lane_state(g, n, e == 0);
        if (shown == int8_t(st)) continue;
        const LinkEndState before = shown < 0 ? LinkEndState::declared_lost : LinkEndState(shown);
        shown = int8_t(st);
        if (before == st) continue;  // first report of a lane that is not connected
        for (Observer* o : gws_link_observers)
          o->on_gws_link(GwsLinkChange{now, g, n, e == 0, before, st});
      }
    }
    last = cur;
  }
}

void Cluster::schedule(const Action& a) {
  // Indices are checked here so that no caller (scenario, GUI, test) can corrupt the model.
  const Impl& im = *impl_;
  auto bad = [&](const char* what, int v) {
    throw std::invalid_argument(std::string(to_string(a.kind)) + " at " + format_time(a.at) + ": " +
                                what + " " + std::to_string(v) + " out of range");
  };
  auto needs_agent = [&] {
    if (a.agent < 0 || a.agent >= im.D) bad("agent", a.agent);
  };
  switch (a.kind) {
    case ActionKind::phone_move:
      needs_agent();
      if (a.dc < 0 || a.dc >= int(im.spec.dcs.size())) bad("dc", a.dc);
      break;
    case ActionKind::tregister:
      needs_agent();
      if (a.node < 0 || a.node >= im.N) bad("node", a.node);
      break;
    case ActionKind::cut:
    case ActionKind::heal:
      for (int n : a.nodes_a) {
        if (n < 0 || n >= im.N) bad("node", n);
      }
      for (int n : a.nodes_b) {
        if (n < 0 || n >= im.N) bad("node", n);
      }
      break;
    case ActionKind::crash:
    case ActionKind::restart:
      if (a.node < 0 || a.node >= im.N) bad("node", a.node);
      break;
    case ActionKind::gws_fail:
    case ActionKind::gws_restart:
    case ActionKind::gws_cut:
    case ActionKind::gws_heal:
      if (a.gws < 0 || a.gws >= im.G) bad("gws", a.gws);
      break;
    case ActionKind::call:
      if (a.node >= im.N) bad("node", a.node);
      if (a.node < 0 && (a.dc < 0 || a.dc >= int(im.spec.dcs.size()))) bad("dc", a.dc);
      if (!a.group.empty() && im.group_index_of(a.group) < 0) {
        throw std::invalid_argument("call at " + format_time(a.at) + ": unknown group \"" +
                                    a.group + "\"");
      }
      if (a.group.empty() && im.group_names.empty()) {
        throw std::invalid_argument("call at " + format_time(a.at) + ": no routing groups");
      }
      break;
    default:
      needs_agent();
      break;
  }
  if (a.at < impl_->sched.now()) bad("time in the past (µs)", int(a.at.micros()));
  impl_->actions.push_back(a);
  uint8_t prio = is_fault(a.kind) ? kFault : kAction;
  impl_->sched.schedule_timeline(
      a.at, prio, Event{uint32_t(Ev::action), uint32_t(impl_->actions.size() - 1), 0});
}

namespace {

// Runs one event and tells the observers: GWS-node lanes that changed, the event, the end of
// its instant when the next event is later (or there is none), and an observer's request to
// stop the run (the scheduler stops before the next event).
void run_event(Cluster::Impl& im, const FiredEvent& f) {
  Event next;
  if (im.prefetch_next && im.sched.next_hint(&next)) im.prefetch_for(next);
  im.dispatch(f);
  if (!im.gws_link_observers.empty()) im.emit_gws_links();
  if (im.observers.empty()) return;
  for (Observer* o : im.observers)
    o->on_event(f);
  if (!im.instant_observers.empty()) {
    const std::optional<Time> next = im.sched.next_time();
    if (!next || *next > f.time) {
      for (Observer* o : im.instant_observers)
        o->on_instant_end(f.time);
    }
  }
  for (Observer* o : im.observers) {
    if (o->stop_requested() != StopReason::none) im.sched.request_stop(o->stop_requested());
  }
}

}  // namespace

StopReason Cluster::run_until(Time t) {
  Impl& im = *impl_;
  if (im.prefetch_next && !im.huge_pages_advised) {
    // A large site: its per-DN state is beyond the caches and the TLB's reach (choice 99).
    im.huge_pages_advised = true;
    advise_huge_pages();
  }
  return im.sched.run_until(t, [&](const FiredEvent& f) { run_event(im, f); });
}

bool Cluster::step() {
  Impl& im = *impl_;
  auto f = im.sched.step();
  if (!f) return false;
  run_event(im, *f);
  return true;
}

Scheduler& Cluster::scheduler() {
  return impl_->sched;
}

const Scheduler& Cluster::scheduler() const {
  return impl_->sched;
}

Time Cluster::now() const {
  return impl_->sched.now();
}

const ClusterSpec& Cluster::spec() const {
  return impl_->spec;
}

const Params& Cluster::params() const {
  return impl_->P;
}

int Cluster::node_count() const {
  return impl_->N;
}

int Cluster::dn_count() const {
  return impl_->D;
}

int Cluster::gws_count() const {
  return impl_->G;
}

int Cluster::dn_of_agent(int agent) const {
  return agent;
}

bool Cluster::node_alive(int node) const {
  return impl_->nodes[node].alive;
}

uint64_t Cluster::cut_changes() const {
  return impl_->cut_changes;
}

const DnView& Cluster::view(int node, int dn) const {
  return impl_->nodes[node].view[dn];
}

const DnView& Cluster::stat(int node, int dn) const {
  return impl_->nodes[node].stat[dn].view;
}

DnView Cluster::truth(int dn) const {
  return impl_->truth_view(dn);
}

int Cluster::truth_owner(int dn) const {
  return impl_->compute_truth_owner(dn);
}

std::vector<int> Cluster::claimants(int dn) const {
  std::vector<int> out;
  for (int n = 0; n < impl_->N; ++n) {
    if (impl_->claim(n, dn).active) out.push_back(n);
  }
  return out;
}

LinkEndState Cluster::link_end(int node, int peer) const {
  return impl_->end(node, peer).state;
}

bool Cluster::pair_cut(int a, int b) const {
  const Pair& p = impl_->pair(a, b);
  return p.cut_ab || p.cut_ba;
}

bool Cluster::reachable_for_offers(int from, int to) const {
  if (!impl_->nodes[to].alive) return false;
  if (from == to) return true;
  if (impl_->P.partition_scope == PartitionScope::tc_layer) return true;
  return !pair_cut(from, to);
}

int Cluster::gws_node(int g) const {
  return impl_->gws[g].node;
}

bool Cluster::gws_alive(int g) const {
  return impl_->gws[g].alive;
}

Time Cluster::one_way_delay(int a, int b) const {
  return impl_->tc_delay(a, b);
}

const std::vector<std::string>& Cluster::groups() const {
  return impl_->group_names;
}

int Cluster::group_index(const std::string& name) const {
  return impl_->group_index_of(name);
}

int Cluster::queue_length(int node, int group) const {
  const Impl& im = *impl_;
  int total = 0;
  for (int g = 0; g < int(im.group_names.size()); ++g) {
    if (group < 0 || g == group) total += int(im.queues[im.ng(node, g)].size());
  }
  return total;
}

uint64_t Cluster::calls_arrived() const {
  return impl_->next_call_id - 1;
}

uint64_t Cluster::calls_active() const {
  return impl_->active_calls;
}

void Cluster::set_call_limit(uint64_t n) {
  impl_->call_limit = n;
}

void Cluster::finish_calls() {
  Impl& im = *impl_;
  for (const Call& c : im.calls) {
    if (!c.live) continue;
    CallRecord r = c.rec;
    r.outcome = CallOutcome::in_progress;
    r.ended = Time::max();
    for (Observer* o : im.observers)
      o->on_call(r);
  }
}

void Cluster::set_verify_stale_counts(bool on) {
  impl_->verify_stale = on;
}

uint64_t Cluster::stale_count_checks() const {
  return impl_->stale_checked;
}

uint64_t Cluster::stale_count_mismatches() const {
  return impl_->stale_mismatches;
}

Reachability Cluster::reachability() const {
  std::vector<char> alive(size_t(impl_->N));
  for (int n = 0; n < impl_->N; ++n)
    alive[size_t(n)] = impl_->nodes[n].alive;
  return Reachability::build(alive, [&](int a, int b) { return impl_->dir_cut(a, b); });
}

}  // namespace scsim::model
