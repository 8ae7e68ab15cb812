// The timeline's action vocabulary: one table of {name, ActionKind, form} that the loader reads
// and the writer writes, so that every action the writer can emit loads back (issue 11 §5).
// The syntax of each form is documented in scenarios/README.md.
#pragma once

#include <string_view>
#include <vector>

#include "model/spec.hpp"

namespace scsim::scenario {

// What an action's value holds (besides `at`).
enum class Form {
  agent,              // an agent selector: A1, [A1, A2], A001..A400, {group: g}, ...
  agent_dc,           // {agent: A2, dc: DC1}
  agent_ready,        // an agent selector, or {agent: A1, ready: false}
  agent_node_client,  // {agent: A3, node: N1, client: Monitor}
  pairs,              // {between: [DC1, DC2]} or {a: [N1], b: [N2], one_way: true}
  crash,              // N1 or {node: N1, kind: host}
  node,               // N1 or {node: N1}
  gws,                // G1 or {gws: G1}
  call,               // {dc: DC1 | node: N1, group: g, handle: 20s, patience: 60s, acw: 0}
};

struct ActionWord {
  const char* name;  // the timeline key, e.g. "phone_on"
  model::ActionKind kind;
  Form form;
  const char* example;  // one timeline value, for messages and `scsim validate --explain`
};

// Every action, in ActionKind order.
const std::vector<ActionWord>& action_words();
// The entry of a timeline key; null when there is none.
const ActionWord* find_action_word(std::string_view name);
// The entry of a kind (every kind has one).
const ActionWord& action_word(model::ActionKind kind);

}  // namespace scsim::scenario
