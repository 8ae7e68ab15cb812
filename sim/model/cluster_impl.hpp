// Internal state of the cluster model (not part of the public API; included by model/*.cpp).
//
// Layout: per node a vector of DnView (its view) and one of its Stat Server, per node and DN a
// Claim record (the owner-side registration state), per directed node pair a FIFO channel of
// TC messages, per unordered pair the link state of both ends. Everything is indexed by
// integers; nothing is iterated in an order that depends on addresses or hashing.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/node_pool.hpp"
#include "model/claim_table.hpp"
#include "model/cluster.hpp"
#include "model/events.hpp"
#include "model/node_state.hpp"
#include "model/tc_mesh.hpp"
#include "model/urs.hpp"

namespace scsim::model {

// A duration with a mean and a law (DOMAIN §4's exponential means, §5's fixed values).
Time draw_law(DurationLaw law, Time mean, Rng& r);

// The first multiple of step at or after t (periodic checks: R15, R41, R42).
inline Time ceil_multiple(Time t, Time step) {
  if (step <= Time::zero()) return t;
  int64_t s = step.micros();
  int64_t k = (t.micros() + s - 1) / s;
  return micros(k * s);
}

// Actions of the fault class run first at an instant (DOMAIN "same instant").
inline bool is_fault(ActionKind k) {
  switch (k) {
    case ActionKind::cut:
    case ActionKind::heal:
    case ActionKind::crash:
    case ActionKind::restart:
    case ActionKind::phone_on:
    case ActionKind::phone_off:
    case ActionKind::phone_move:
    case ActionKind::gws_fail:
    case ActionKind::gws_restart:
    case ActionKind::gws_cut:
    case ActionKind::gws_heal:
    case ActionKind::wwe_disconnect:
    case ActionKind::wwe_reconnect:
      return true;
    default:
      return false;
  }
}

struct Phone {
  bool on = false;
  int dc = 0;
  uint32_t gen = 0;
  int first_node = -1;  // for failback_on_restart
  int last_node = -1;   // node that accepted the last REGISTER
  bool probe_pending = false;
};

struct Session {  // a WWE session of one agent
  bool exists = false;
  bool logged_in = false;
  bool connected = true;  // W-GWS path up
  bool ready = true;      // last Ready/NotReady state (R48)
  int gws = -1;
  uint32_t gen = 0;
  // R49: moved by NGINX, its re-login pending (the action armed with nginx_gen); a later move
  // (its new GWS node fails) re-arms it.
  bool relogin_pending = false;
  uint32_t nginx_gen = 0;
};

struct Request {
  ActionKind kind = ActionKind::agent_login;
  int dn = -1;
  bool ready = true;
  int node = -1;          // tregister / gws requests: the node it goes to
  int gws = -1;           // sent by this GWS (its client name)
  uint32_t gws_conn = 0;  // over this connection of it
  std::string client;     // tregister
  bool unregister = false;
  bool register_dn = false;
  bool gws_reregister = false;  // GWS re-registering a session's DN on (re)connect (R47, R48)
  Time sent;
};

struct Gws {
  bool alive = true;
  int node = -1;       // connected node, -1: none
  int prev_node = -1;  // previous node (R47)
  bool cut = false;    // connection to its node cut (both stay up)
  uint32_t gen = 0;
  // ADDP ends of the GWS-node connection: [0] GWS end, [1] node end
  bool declared_gws = false, declared_node = false;
  uint32_t cut_gen = 0;
  std::vector<Request> held;  // R28: requests sent on the cut, undeclared connection
  uint32_t conn = 0;          // current connection (R47: each (re)connection opens a new one)
  uint32_t lost_conn = 0;     // the connection the pending node-end declaration is about (R31)
};

// A call in the model (calls.cpp). Slots are recycled; `gen` tells a slot's calls apart.
struct Call {
  uint32_t gen = 0;
  bool live = false;
  enum class Phase { queued, offering, ringing, talking } phase = Phase::queued;
  uint64_t pos = 0;  // place in its node's queue: arrival order (R57, R59)
  Time patience_at = Time::max();
  Time handle, acw;
  // current offer
  int dn = -1, owner = -1;
  Time offer_sent;
  bool out_of_reach = false;
  bool avail_at_decision = false;
  uint32_t step = 0;           // invalidates offer, answer and timeout events of earlier offers
  bool in_offer_list = false;  // linked in StatCell::offer_head of (rec.node, dn)
  int32_t offer_prev = -1, offer_next = -1;
  uint32_t router_step = 0;
  std::vector<int> skip;  // DNs skipped until SS_N receives an update for them (R59, R60)
  // R59: a rejected offer whose rejection is still on its way back to the call's node: its DN
  // (-1: none) and whether the call will skip it once the rejection is known there.
  int rejected_dn = -1;
  bool rejected_skip = false;
  CallRecord rec;
};

struct StatUpdate {
  Time due;
  int dn;
  DnView view;
};

// view_N's entry for one DN, with the node's own marks beside it (NodeCtx::got_state,
// held_last): a TC update reads and writes both, so they share the entry's 32 bytes (aligned, so
// never across two cache lines). Assigning a DnView changes the view, never the marks.
struct alignas(32) ViewCell : DnView {
  uint8_t got_state = 0;  // view_N has had a state for the DN since the node started
  uint8_t held_last = 0;  // the node held the DN's claim last, as far as it knows (R9, R18)
  ViewCell& operator=(const DnView& v) {
    DnView::operator=(v);
    return *this;
  }
};
static_assert(sizeof(ViewCell) == 32, "two entries per cache line");

struct Node {
  int dc = 0;
  bool alive = true;
  uint32_t epoch = 0;  // incarnation: bumps at crash and restart
  std::vector<ViewCell> view;
  std::vector<StatCell> stat;   // SS_N
  std::deque<StatUpdate> ss_q;  // view changes on their way to SS_N (R20), FIFO
  // R33: entries ignored because another owner was believed, per DN (sender -> entry)
  std::map<int, std::map<int, SnapEntry>> deferred;
};

struct Proxy {
  std::vector<int> nodes;            // nodes of the DC, in number order
  std::vector<bool> believed_alive;  // by position in nodes
  uint64_t rr_register = 0;
  uint64_t rr_call = 0;
  std::vector<int> sticky;  // by DN: node this proxy picked for its last REGISTER (R4), -1: none
};

// Cluster::clone copies Impl member-wise (Impl's copy constructor is defaulted, so a member
// added later is copied too). The members whose plain copy would point into the original hold
// what they point into and copy it with them: these bases.
//
// The spec, and P referring to its parameters (the copy's P refers to the copy's spec).
struct ImplSpec {
  explicit ImplSpec(ClusterSpec s) : spec(std::move(s)), P(spec.params) {}
  ImplSpec(const ImplSpec& o) : spec(o.spec), P(spec.params) {}
  ImplSpec& operator=(const ImplSpec&) = delete;
  ClusterSpec spec;
  Params& P;
};
// The random streams by key, and per node and per arrival stream a pointer into them (std::map:
// the addresses are stable). A copy's pointers point into the copy's streams.
struct ImplRngs {
  ImplRngs() = default;
  ImplRngs(const ImplRngs& o);  // cluster.cpp
  ImplRngs& operator=(const ImplRngs&) = delete;
  std::map<uint64_t, Rng> rngs;
  std::vector<Rng*> routing_rng;  // per node: its "routing" stream in rngs (R55 random)
  std::vector<Rng*> stream_rng;   // per arrival stream: its "arrivals" stream in rngs
};
// The call queues, whose tree nodes are recycled in node_pool (declared first: it must
// outlive them). A copy has its own pool and the same contents, allocated from it.
struct ImplCallIndex {
  ImplCallIndex() = default;
  ImplCallIndex(const ImplCallIndex& o);  // cluster.cpp
  ImplCallIndex& operator=(const ImplCallIndex&) = delete;
  NodePool node_pool;
  template <class T>
  using PoolSet = std::set<T, std::less<T>, NodeAllocator<T>>;
  // per node x group: the waiting calls by queue place
  using QueueSet = PoolSet<std::pair<uint64_t, uint32_t>>;
  std::vector<QueueSet> queues;
};

struct Cluster::Impl : ImplSpec, ImplRngs, ImplCallIndex {
  Impl(ClusterSpec s, uint64_t seed);
  // A checkpoint of the run: everything, observers included (Cluster::clone drops them).
  Impl(const Impl&) = default;
  Impl& operator=(const Impl&) = delete;

  uint64_t seed;
  Scheduler sched;
  // The observers, and those of them that want more (Cluster::clone clears every list here:
  // a clone starts with none).
  std::vector<Observer*> observers;
  std::vector<Observer*> view_observers;      // those that want view_N and SS_N changes
  std::vector<Observer*> message_observers;   // those that want on_message
  std::vector<Observer*> gws_link_observers;  // those that want on_gws_link
  std::vector<Observer*> instant_observers;   // those that want on_instant_end
  std::vector<Observer*> prefetch_observers;  // those that want prefetch_dn
  // GWS-node connection ends as last reported (cluster.cpp emit_gws_links): per (g * N + n) * 2
  // + (0: GWS end, 1: node end) a LinkEndState, -1 never connected; per GWS the node of its
  // lane last reported connected (-1: none).
  std::vector<int8_t> gws_lane_shown;
  std::vector<int> gws_lane_node;
  LinkEndState gws_lane_state(int g, int n, bool gws_end) const;
  void emit_gws_links();
  int N = 0, D = 0, G = 0;

  std::vector<Node> nodes;
  ClaimTable claim_table;    // every node's claim on every DN, with the claimant bitmask
  uint64_t alive_mask = 0;   // bit n set while node n is alive (n < 64)
  uint64_t cut_changes = 0;  // cut and heal actions so far
  TcMesh mesh;               // channels, link ends, cut directions, one-way delays
  std::vector<Proxy> proxies;
  std::vector<Phone> phones;      // per DN (sip)
  std::vector<DnKind> dn_kind;    // per DN: spec.agents[d].kind, dense (read per offer)
  std::vector<Session> sessions;  // per DN (agent)
  std::vector<Gws> gws;
  std::vector<Request> requests;
  std::vector<uint32_t> free_requests;
  std::vector<Action> actions;
  std::vector<AgentState> last_agent;  // truth's retained agent state per DN (R9)
  std::vector<Time> last_ready_since;
  std::vector<int> truth_owner_cache;
  // Truth-side: the node that last held the claim (R9: its agent state is the truth's while
  // the DN has no owner). Node-side rules never read it; they have held_last.
  std::vector<int> truth_last_owner;
  DnView truth_before;              // the truth before the change with_truth observes (NodeCtx)
  std::vector<char> crashed_owner;  // the DN lost its owner in a crash (ownership cause)
  std::vector<uint32_t> relogin_gen;
  std::vector<uint8_t> relogin_manual;  // by DN: the pending re-login is R48's manual one
  std::vector<uint32_t> probe_gen;
  std::map<uint64_t, PendingClaim> pending_claims;  // node*D+dn

  // ---- calls and routing: arrivals.cpp (workload), calls.cpp (queues, offers, answers),
  // call_end.cpp (after a call, calls under faults), stale_counts.cpp (routing.csv's `stale`).
  // URS_N itself, its indexes over SS_N and R55's pick, is `urs` (urs.hpp).
  std::vector<std::string> group_names;
  Urs urs;
  std::vector<Call> calls;
  std::vector<uint32_t> free_calls;
  uint64_t next_call_id = 1, next_pos = 1, active_calls = 0;
  uint64_t call_limit = ~uint64_t(0);  // runaway guard (Cluster::set_call_limit)
  std::vector<uint64_t> stream_count;  // calls generated per arrival stream
  // Common random numbers: each call's own draws, keyed by (stream, call number).
  RngFamily patience_rngs, handle_rngs, acw_rngs;
  // The call queues: ImplCallIndex.
  std::vector<char> route_pending;  // per node
  std::vector<int> queued_count;    // per node: calls waiting
  std::vector<uint32_t> acw_gen;    // per DN
  std::vector<int> busy_call;       // per DN: call slot holding the agent, -1
  // R59, R60: per node and DN, the calls whose skip lists name the DN there, a list from
  // StatCell::skip_head threaded through skip_links. Links are taken off only when SS_N's next
  // update for the DN ends every skip of it (on_stat_update): a link whose call has ended since
  // (its slot's generation moved on) is passed over then. An ended call costs nothing here, where
  // a search for its entries among every call skipping the same DN grew with the queue; in
  // exchange its links wait for that update (12 bytes per failed offer on the DN since SS_N's
  // last update for it: many only while a cut keeps SS_N stale and offers keep failing there).
  struct SkipLink {
    uint32_t slot = 0, gen = 0;
    int32_t next = -1;  // the next link of the same DN, or of the free list
  };
  std::vector<SkipLink> skip_links;
  int32_t free_skip_link = -1;
  struct HeldRequest {
    bool held = false;
    ActionKind kind = ActionKind::agent_ready;
    bool ready = true;
  };
  std::vector<HeldRequest> held_requests;  // per DN (R16)
  // R36/R38: agents an owner keeps busy until it hears from a node: (owner, node) -> DNs
  struct HeldAgent {
    int dn;
    Time acw;  // the ended call's ACW, applied when the agent is finally freed (R65)
  };
  std::map<std::pair<int, int>, std::vector<HeldAgent>> stuck;
  std::map<std::pair<int, int>, std::vector<HeldAgent>> free_on_declare;  // R38
  bool detailed_decisions = false;
  // routing.csv's `stale` column (detailed decisions; stale_counts.cpp), which compares SS_N
  // with the truth and so stays out of Urs, without a walk over the eligible set: per (node,
  // group, SS owner) slot of Urs's eligible sets, the DNs in it counted by their availability
  // key (avail_counts[ngo * (N + 2) + key]). A DN's key (avail_key_of) is o
  // when its only live claimant o shows it InSrv and Ready in view_o (it is then available to
  // every node that o is not cut from), kNoAvail (N) when no node can offer it, and kMulti
  // (N + 1) with several live claimants: the truth owner then depends on claim times and
  // links, and such DNs (multi_dns, few and short-lived) are tested one by one at a decision.
  // The key follows the claimant bitmask, node liveness and views (refresh_avail, called by
  // set_claim_active, set_node_alive and every write of a view); the counts follow index_dn.
  // On from the first observer that wants decision detail (enable_stale_counts builds them
  // from the state then; a run that records no routing table does not pay for them). N <=
  // kNodesMax = 64, so the bitmasks hold every node (the brute-force walk, stale_count_brute,
  // remains as the reference that tests compare against).
  bool stale_counts_on = false;
  std::vector<int> avail_key;     // per DN
  std::vector<int> avail_counts;  // per ngo slot, N + 2 keys
  std::set<int> multi_dns;
  bool verify_stale = false;  // tests: recount every decision's stale DNs by brute force
  uint64_t stale_checked = 0, stale_mismatches = 0;
  int avail_key_of(int d) const;
  void enable_stale_counts();  // builds the counts; add_observer, for wants_decision_detail
  void refresh_avail(int d);
  void refresh_avail_all();
  void recount_avail(int n, int d, const IndexedDn& old, const IndexedDn& now);
  int stale_count(int n, int g) const;
  int stale_count_brute(int n, int g) const;

  size_t ng(int n, int g) const { return size_t(n) * group_names.size() + size_t(g); }
  size_t ngo(int n, int g, int o) const {
    return (size_t(n) * group_names.size() + size_t(g)) * size_t(N) + size_t(o);
  }
  int group_index_of(const std::string& g) const {
    auto it = std::lower_bound(group_names.begin(), group_names.end(), g);
    return it != group_names.end() && *it == g ? int(it - group_names.begin()) : -1;
  }
  // arrivals.cpp
  void init_calls();
  void schedule_stream(int s, Time from);
  void stream_arrives(int s);
  void trace_arrives(int i);
  void call_arrives(int dc, int node, int group, Time patience, Time handle, Time acw);
  // calls.cpp
  void index_dn(int n, int d);
  void on_stat_update(int n, int d);
  void on_view_update(int n, int d, const DnView& before, const DnView& after);
  void schedule_route(int n);
  void route_pass(int n);
  bool available_to(int n, int d) const;
  void make_offer(uint32_t slot, int d);
  void enqueue(uint32_t slot);
  void dequeue(uint32_t slot);
  void requeue(uint32_t slot);
  void fail_offer(uint32_t slot, FailCause cause, Time requeue_at, bool force_skip);
  void offer_arrives(uint32_t slot);
  void answer_call(uint32_t slot);
  void offer_out_of_reach(uint32_t slot);
  void end_call(uint32_t slot, CallOutcome outcome, RoutingFailureCause why);
  void clear_offer_marks(uint32_t slot, bool offer_failed = true);
  // R59, R60: the call in `slot` skips DN d at node n until SS_N's next update for it.
  void add_skip(int n, int d, uint32_t slot);
  void rejection_known(uint32_t slot);
  void link_offer(uint32_t slot);    // into (node, dn)'s offer list, at its end
  void unlink_offer(uint32_t slot);  // out of it, if linked
  void arm_router_timer(uint32_t slot);
  void staffed_changed(int n, int g);
  void patience_ends(uint32_t slot);
  void router_timeout(uint32_t slot, uint32_t router_step);
  // call_end.cpp
  void talk_ends(uint32_t slot);
  void held_end_arrives(int owner, int from);
  void free_agent(int owner, int d);
  void release_stuck(int owner, int from);
  void release_held(int owner, std::vector<HeldAgent> held);
  void after_call(int owner, int d, Time acw);
  void call_end_to_believed_owner(int n, int o, int d, Time acw);  // propagation.cpp
  void calls_on_cut(int a, int b);
  void calls_on_crash(int n);
  Event call_event(Ev kind, uint32_t slot) const {
    return Event{uint32_t(kind), slot, (uint64_t(calls[slot].gen) << 32) | calls[slot].step};
  }
  bool call_event_live(uint32_t slot, uint64_t arg) const {
    return slot < calls.size() && calls[slot].live && (arg >> 32) == calls[slot].gen &&
           uint32_t(arg) == calls[slot].step;
  }
  // A call's timer whose arg is (slot generation << 32 | any step): patience, router_timeout.
  bool call_slot_live(uint32_t slot, uint64_t arg) const {
    return slot < calls.size() && calls[slot].live && (arg >> 32) == calls[slot].gen;
  }
  void dispatch_call(Ev kind, uint32_t target, uint64_t arg);

  Claim& claim(int n, int d) { return claim_table.record(n, d); }
  // Whether node n claims DN d, from the bitmask (no read of the claim itself).
  bool claims_dn(int n, int d) const { return claim_table.claims(n, d); }
  // The only way a node dies or comes back: keeps alive_mask and the availability keys in step,
  // and tells the observers (on_node).
  void set_node_alive(int n, bool on) {
    nodes[n].alive = on;
    alive_mask = on ? (alive_mask | uint64_t(1) << n) : (alive_mask & ~(uint64_t(1) << n));
    for (Observer* o : observers)
      o->on_node(NodeChange{sched.now(), n, on});
    refresh_avail_all();
  }
  // The only way a claim starts or ends: keeps the claimant bitmask and the DN's availability
  // key in step.
  void set_claim_active(int n, int d, bool on) {
    claim_table.set_active(n, d, on);
    refresh_avail(d);
  }
  const Claim& claim(int n, int d) const { return claim_table.at(n, d); }
  Channel& chan(int from, int to) { return mesh.chan(from, to); }
  LinkEnd& end(int n, int p) { return mesh.end_record(n, p); }  // state: set_link_end
  const LinkEnd& end(int n, int p) const { return mesh.end(n, p); }
  Pair& pair(int a, int b) { return mesh.pair(a, b); }
  const Pair& pair(int a, int b) const { return mesh.pair(a, b); }
  Time tc_delay(int from, int to) const { return mesh.tc_delay(from, to); }
  Rng& rng(const char* name, uint64_t id);

  // ---- queries
  bool dir_cut(int from, int to) const;
  bool broken(int a, int b) const;         // pair cut either way, or an end dead
  bool tc_usable(int from, int to) const;  // both ends consider the link up
  int compute_truth_owner(int d) const;
  DnView truth_view(int d) const;
  int gws_client_ok(const std::string& name) const;

  // ---- emission
  void emit_view(int n, int d, const DnView& before);
  void set_view(int n, int d, const DnView& v);
  void deliver_stat(int n);
  template <class F>
  void with_truth(int d, OwnershipCause cause, F&& f);

  // ---- owner-side operations
  // Node-side rules run through a NodeCtx (node_rules.hpp); these run them at node n.
  void announce(int owner, int d);  // update to every peer whose link is usable
  void accept_registration(int n, int d, bool via_gws, int g, OwnershipCause cause);
  void end_registration(int n, int d);  // R12 + R9
  void owner_set_agent(int n, int d, AgentState s);
  void send(int from, int to, Msg m);

  // ---- links
  void update_pair(int a, int b);
  void declare(int n, int p);
  void link_up(int a, int b);
  void schedule_declare(int n, int p);
  void schedule_retry(int n, int p, Time at);
  void tc_retry_now(int n, int p);
  void set_view_silent_clear(int n, int d);
  // End `n` of link n-p changes state; emits the LinkChange (the only place that does).
  void set_link_end(int n, int p, LinkEndState s);

  // ---- phones, proxies, GWS
  void phone_send_register(int d, bool expires0);
  int proxy_pick(int dc, int d, bool expires0);
  void gws_lost_node(int g);
  void gws_connect(int g);
  void gws_set_cut(int g, bool cut);
  void gws_cut_by_pairs(const Action& a, bool cut);
  void node_lost_gws(int n, int g);
  void gws_update_cut(int g);
  void wwe_relogin_via_nginx(int d, Time at, int lost_gws);

  // ---- ADDP (partition.cpp): the one detection draw, from `from`
  Time addp_detect_at(Time from, const char* stream, uint64_t id);
  void grace_expire(int n, int p);
  void tc_deliver(int from, int to);

  // ---- action handlers (one per ActionKind; actions.cpp holds the switch)
  void act_phone_on(int d);
  void act_phone_off(int d);
  void act_phone_move(int d, int dc);
  void act_phone_unregister(int d);
  void schedule_probe(int d);
  void act_agent(const Action& a);
  void act_tregister(const Action& a);
  void act_wwe_login(int d, bool ready);
  void act_wwe_logout(int d);
  void act_wwe_disconnect(int d);
  void act_wwe_reconnect(int d);
  void act_cut_heal(const Action& a);
  void act_crash(int n, CrashKind kind);
  void act_restart(int n);
  void act_gws_fail(int g);
  void act_gws_restart(int g);
  void act_call(const Action& a);
  bool gws_request(int g, Request r);
  void relogin_via_nginx_after_delay(int d, int lost_gws);

  // ---- timer handlers (called by dispatch after its generation check)
  void proxy_detect(int n);
  void proxy_take_back(int n);
  void dn_probe(int d);
  void gws_declare(int g, uint32_t side, int n);
  void wwe_window_end(int d);
  void agent_relogin(int d);

  // ---- dispatch
  void dispatch(const FiredEvent& f);
  // Starts loading the per-DN state that event e will read (a hint: changes nothing). Called
  // with the next event while the current one runs, so its cache misses overlap that work.
  void prefetch_for(const Event& e) const;
  // Node n's routing pass is coming: the DN it will likely offer (Urs::likely_pick) starts
  // loading. From schedule_route, as the pass is scheduled within the running event.
  void prefetch_route(int n) const;
  bool huge_pages_advised = false;  // Cluster::run_until: once, large sites only
  bool prefetch_next = false;       // whether run_event calls it (cluster.cpp: large sites only)
  void dispatch_link(Ev kind, uint32_t target, uint64_t arg);
  void run_action(const Action& a);
  void arrive_request(const Request& r);
  void post_request(Request r);
  void agent_request(int d, ActionKind k, bool ready);
  void schedule_relogin(int d, Time from, bool manual);
};

// The truth before and after f; emits the truth and ownership changes it made.
template <class F>
void Cluster::Impl::with_truth(int d, OwnershipCause cause, F&& f) {
  DnView before = truth_view(d);
  const DnView outer = truth_before;  // with_truth nests (a drop withdraws a ringing offer)
  truth_before = before;
  f();
  truth_before = outer;
  DnView after = truth_view(d);
  truth_owner_cache[d] = after.owner;
  last_agent[d] = after.agent;
  last_ready_since[d] = after.ready_since;
  if (before == after) return;
  Time now = sched.now();
  for (Observer* o : observers)
    o->on_dn_view(DnViewChange{now, ViewLevel::truth, -1, d, before, after});
  if (before.owner != after.owner) {
    OwnershipCause c = cause;
    if (after.owner < 0 && (c != OwnershipCause::expiry)) c = OwnershipCause::release;
    for (Observer* o : observers)
      o->on_ownership(OwnershipChange{now, d, before.owner, after.owner, c});
  }
}

}  // namespace scsim::model
