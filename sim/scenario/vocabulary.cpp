#include "scenario/vocabulary.hpp"

#include <stdexcept>

namespace scsim::scenario {

const std::vector<ActionWord>& action_words() {
  using K = model::ActionKind;
  static const std::vector<ActionWord> w = {
      {"phone_on", K::phone_on, Form::agent, "A1"},
      {"phone_off", K::phone_off, Form::agent, "A1"},
      {"phone_move", K::phone_move, Form::agent_dc, "{agent: A2, dc: DC1}"},
      {"phone_unregister", K::phone_unregister, Form::agent, "A1"},
      {"phone_register", K::phone_register, Form::agent, "A1"},
      {"agent_login", K::agent_login, Form::agent_ready, "{agent: A1, ready: true}"},
      {"agent_logout", K::agent_logout, Form::agent, "A1"},
      {"agent_ready", K::agent_ready, Form::agent, "A1"},
      {"agent_not_ready", K::agent_not_ready, Form::agent, "A1"},
      {"wwe_login", K::wwe_login, Form::agent_ready, "{agent: A3, ready: true}"},
      {"wwe_logout", K::wwe_logout, Form::agent, "A3"},
      {"wwe_disconnect", K::wwe_disconnect, Form::agent, "A3"},
      {"wwe_reconnect", K::wwe_reconnect, Form::agent, "A3"},
      {"tregister", K::tregister, Form::agent_node_client,
       "{agent: A3, node: N1, client: Monitor}"},
      {"cut", K::cut, Form::pairs, "{between: [DC1, DC2]}"},
      {"heal", K::heal, Form::pairs, "{between: [DC1, DC2]}"},
      {"crash", K::crash, Form::crash, "{node: N1, kind: host}"},
      {"restart", K::restart, Form::node, "N1"},
      {"gws_fail", K::gws_fail, Form::gws, "G1"},
      {"gws_restart", K::gws_restart, Form::gws, "G1"},
      {"gws_cut", K::gws_cut, Form::gws, "G1"},
      {"gws_heal", K::gws_heal, Form::gws, "G1"},
      {"call", K::call, Form::call, "{dc: DC1, group: support, handle: 20s, patience: 60s}"},
  };
  return w;
}

const ActionWord* find_action_word(std::string_view name) {
  for (const auto& w : action_words()) {
    if (name == w.name) return &w;
  }
  return nullptr;
}

const ActionWord& action_word(model::ActionKind kind) {
  for (const auto& w : action_words()) {
    if (w.kind == kind) return w;
  }
  throw std::logic_error("action kind without a vocabulary entry");
}

}  // namespace scsim::scenario
