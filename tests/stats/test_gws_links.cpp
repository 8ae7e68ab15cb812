// Issue 21 §6: links.csv has the GWS-node connections per end (kind gws), with their states
// (R28, R31, R47), beside the TC link ends (kind tc). On SC10 (scenarios/sc10-gws-loses-node):
// G1-N1 is cut at 700, both ends declare it lost at 710 and G1 reconnects to N3 at 720.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "run/simulation.hpp"
#include "scenario/scenario.hpp"

using namespace scsim;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}
bool has(const std::vector<std::string>& ls, const std::string& s) {
  for (const auto& l : ls) {
    if (l == s) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("Issue 21 6, R31, R47: links.csv shows each end of a GWS-node connection") {
  auto loaded = scenario::load_scenario(std::string(SCSIM_SOURCE_DIR) +
                                        "/scenarios/sc10-gws-loses-node.yaml");
  REQUIRE(loaded.scenario);
  const auto& sc = *loaded.scenario;
  const fs::path dir = fs::temp_directory_path() / "scsim-test-gws-links";
  fs::remove_all(dir);
  fs::create_directories(dir);
  uint64_t fingerprint = 0;
  {
    run::Simulation sim(sc, sc.seed);
    sim.record_to(dir, false, false);
    sim.run();
    REQUIRE(sim.finish());
    fingerprint = sim.cluster().scheduler().fingerprint();
  }
  const auto ls = lines(dir / "links.csv");
  REQUIRE(!ls.empty());
  CHECK(ls[0] == "seed,scenario,node,peer,from,to,duration,state,kind");
  const std::string p = "10,sc10-gws-loses-node,";
  // The GWS end and the node end of G1-N1: up, cut at 700, declared lost at 710 (R31); the
  // connection is gone after it (G1 moves on, R47).
  for (const std::string lane : {"G1,N1,", "N1,G1,"}) {
    INFO(lane);
    CHECK(has(ls, p + lane + "0.000000,700.000000,700.000000,up,gws"));
    CHECK(has(ls, p + lane + "700.000000,710.000000,10.000000,cut_undeclared,gws"));
    CHECK(has(ls, p + lane + "710.000000,800.000000,90.000000,declared_lost,gws"));
  }
  // G1 reconnects to N3 at 720 (R47): a new lane, up to the end.
  CHECK(has(ls, p + "G1,N3,720.000000,800.000000,80.000000,up,gws"));
  CHECK(has(ls, p + "N3,G1,720.000000,800.000000,80.000000,up,gws"));
  // TC link ends are kind tc.
  CHECK(has(ls, p + "N1,N2,0.000000,800.000000,800.000000,up,tc"));

  // Following the GWS links observes only: the run is the same without them.
  fs::remove_all(dir);
  fs::create_directories(dir);
  run::Simulation bare(sc, sc.seed);
  bare.record_to(dir, false, /*calls_only=*/true);
  bare.run();
  REQUIRE(bare.finish());
  CHECK(bare.cluster().scheduler().fingerprint() == fingerprint);
  fs::remove_all(dir);
}
