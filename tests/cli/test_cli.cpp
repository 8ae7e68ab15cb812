// The library parts behind `scsim run`: the CSV writer, the all-or-nothing results directory
// and the recorder on a small cluster. End-to-end checks of the binary are in cli_test.sh.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "model/cluster.hpp"
#include "stats/csv.hpp"
#include "stats/invariants.hpp"
#include "stats/recorder.hpp"
#include "stats/results_dir.hpp"

using namespace scsim;
namespace fs = std::filesystem;

namespace {

// A fresh scratch directory per test case (ctest may run cases in parallel).
fs::path scratch(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("scsim-test-cli-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    out.push_back(l);
  return out;
}

// Splits a row without quoted fields.
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

bool has_line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  for (const auto& l : lines)
    if (l.rfind(prefix, 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("CSV fields are quoted exactly when RFC 4180 requires it") {
  CHECK(stats::csv_row({"a", "b c", ""}) == "a,b c,\n");
  CHECK(stats::csv_row({"x,y"}) == "\"x,y\"\n");
  CHECK(stats::csv_row({"say \"hi\""}) == "\"say \"\"hi\"\"\"\n");
  CHECK(stats::csv_row({"two\nlines", "cr\r"}) == "\"two\nlines\",\"cr\r\"\n");
  CHECK_FALSE(stats::csv_needs_quotes("N1"));
  CHECK(stats::csv_needs_quotes("[GWS, GWS2]"));
}

TEST_CASE("CSV times are format_time's text") {
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{999999}, int64_t{1000000}, int64_t{-1},
                     int64_t{-1234567}, int64_t{86400000000}, Time::max().micros()}) {
    std::string s;
    stats::append_time(s, Time::from_micros(us));
    CHECK(s == format_time(Time::from_micros(us)));
  }
}

TEST_CASE("A CSV writer prepends the seed and scenario to the header and every row") {
  auto dir = scratch("csv");
  {
    stats::CsvWriter w(dir / "t.csv", {"7", "my, scenario"});
    w.header({"time", "value"});
    w.field("1.000000").field(int64_t{-3});
    w.end_row();
    w.field("2.000000").field(true);
    w.end_row();
    CHECK(w.rows() == 2);
    w.close();
  }
  CHECK(slurp(dir / "t.csv") ==
        "seed,scenario,time,value\n"
        "7,\"my, scenario\",1.000000,-3\n"
        "7,\"my, scenario\",2.000000,true\n");
  CHECK_THROWS(stats::CsvWriter(dir / "no-such-dir" / "t.csv", {"1", "s"}));
  fs::remove_all(dir);
}

TEST_CASE("A results directory appears only on commit and replaces the previous one whole") {
  auto root = scratch("resdir");
  fs::path target = root / "results" / "sc";
  {
    stats::ResultsDir rd(target);
    CHECK(fs::is_directory(rd.temp()));
    CHECK(rd.temp().parent_path() == target.parent_path());
    CHECK_FALSE(fs::exists(target));
    std::ofstream(rd.temp() / "a.csv") << "first\n";
    rd.commit();
  }
  CHECK(slurp(target / "a.csv") == "first\n");
  CHECK(fs::exists(target / stats::ResultsDir::kStamp));
  CHECK_FALSE(fs::exists(stats::ResultsDir::temp_path_for(target)));
  CHECK(stats::ResultsDir::check_target(target).empty());

  SECTION("a run that fails (no commit) leaves the previous results and no temporary") {
    {
      stats::ResultsDir rd(target);
      std::ofstream(rd.temp() / "a.csv") << "half";
    }
    CHECK(slurp(target / "a.csv") == "first\n");
    CHECK_FALSE(fs::exists(stats::ResultsDir::temp_path_for(target)));
  }
  SECTION("a second commit replaces every file, leaving no stale one") {
    {
      stats::ResultsDir rd(target);
      fs::create_directories(rd.temp() / "sub");
      std::ofstream(rd.temp() / "sub" / "b.csv") << "second\n";
      rd.commit();
    }
    CHECK_FALSE(fs::exists(target / "a.csv"));
    CHECK(slurp(target / "sub" / "b.csv") == "second\n");
    CHECK(std::distance(fs::directory_iterator(root / "results"), fs::directory_iterator()) == 1);
  }
  SECTION("leftovers of killed runs in the same parent are removed and reported") {
    // A killed run into another target of the same parent, and one into this target.
    fs::path other = root / "results" / ".other.partial.4194999";
    fs::create_directories(other);
    std::ofstream(other / ".scsim-partial") << "x";
    fs::path mine = root / "results" / ".sc.partial.4194998";
    fs::create_directories(mine);
    // A user's hidden folder of a similar name, without scsim's marker: never touched.
    fs::path users = root / "results" / ".notes.partial.12";
    fs::create_directories(users);
    std::ofstream(users / "mine.txt") << "keep";
    {
      stats::ResultsDir rd(target);
      CHECK(rd.cleaned().size() == 2);
      CHECK(fs::is_directory(rd.temp()));
    }
    CHECK_FALSE(fs::exists(other));
    CHECK_FALSE(fs::exists(mine));
    CHECK(slurp(users / "mine.txt") == "keep");
  }
  CHECK_THROWS_AS(stats::ResultsDir("."), stats::ResultsRefused);
  CHECK_THROWS_AS(stats::ResultsDir("/"), stats::ResultsRefused);
  fs::remove_all(root);
}

TEST_CASE("Issue 12: a folder or file that scsim did not write is never replaced") {
  auto root = scratch("refuse");
  SECTION("a user's folder survives with every byte") {
    fs::path dir = root / "mine";
    fs::create_directories(dir / "deep");
    std::ofstream(dir / "notes.txt") << "precious";
    std::ofstream(dir / "deep" / "run.csv") << "seed,scenario\n";
    CHECK_FALSE(stats::ResultsDir::check_target(dir).empty());
    CHECK_THROWS_AS(stats::ResultsDir(dir), stats::ResultsRefused);
    CHECK(slurp(dir / "notes.txt") == "precious");
    CHECK(slurp(dir / "deep" / "run.csv") == "seed,scenario\n");
    CHECK(std::distance(fs::directory_iterator(root), fs::directory_iterator()) == 1);
  }
  SECTION("a plain file survives") {
    std::ofstream(root / "file") << "data";
    CHECK_THROWS_AS(stats::ResultsDir(root / "file"), stats::ResultsRefused);
    CHECK(slurp(root / "file") == "data");
  }
  SECTION("a results directory that a user added a file to is refused") {
    {
      stats::ResultsDir rd(root / "res");
      std::ofstream(rd.temp() / "a.csv") << "1";
      rd.commit();
    }
    std::ofstream(root / "res" / "analysis.ipynb") << "{}";
    std::string why = stats::ResultsDir::check_target(root / "res");
    CHECK(why.find("analysis.ipynb") != std::string::npos);
    CHECK(why.find("is not a scsim results directory") != std::string::npos);
    CHECK_THROWS_AS(stats::ResultsDir(root / "res"), stats::ResultsRefused);
    CHECK(slurp(root / "res" / "a.csv") == "1");
  }
  SECTION("a second writer of the same target is refused at once, naming the first") {
    stats::ResultsDir first(root / "res");
    try {
      stats::ResultsDir second(root / "res");
      FAIL("the second ResultsDir was not refused");
    } catch (const stats::ResultsRefused& e) {
      CHECK(std::string(e.what()).find("pid " + std::to_string(::getpid())) != std::string::npos);
    }
    std::ofstream(first.temp() / "a.csv") << "1";
    first.commit();
    CHECK(slurp(root / "res" / "a.csv") == "1");
  }
  fs::remove_all(root);
}

namespace {

model::ClusterSpec small_spec() {
  model::ClusterSpec spec = model::topology_t2();
  spec.params = model::reference_params();
  model::AgentSpec a;
  a.name = "A1";
  a.dn = "1001";
  a.kind = model::DnKind::sip;
  a.dc = 0;
  spec.agents.push_back(a);
  return spec;
}

// Phone on at 1 s, agent login Ready at 2 s, partition at 5 s, heal at 40 s; ends at 60 s.
void run_small(const fs::path& dir, bool trace) {
  fs::create_directories(dir);
  model::Cluster c(small_spec(), 1);
  model::Action on;
  on.at = seconds(1);
  on.kind = model::ActionKind::phone_on;
  on.agent = 0;
  c.schedule(on);
  model::Action login;
  login.at = seconds(2);
  login.kind = model::ActionKind::agent_login;
  login.agent = 0;
  login.ready = true;
  c.schedule(login);
  model::Action cut;
  cut.at = seconds(5);
  cut.kind = model::ActionKind::cut;
  cut.nodes_a = {0};
  cut.nodes_b = {1};
  c.schedule(cut);
  model::Action heal = cut;
  heal.at = seconds(40);
  heal.kind = model::ActionKind::heal;
  c.schedule(heal);

  stats::Recorder rec(c, dir, stats::RunLabel{1, "small"},
                      stats::RecorderOptions{trace, true, stats::Recording::every()});
  c.add_observer(&rec);
  stats::InvariantChecker checker(c);
  c.add_observer(&checker);
  auto reason = c.run_until(seconds(60));
  CHECK((reason == StopReason::until_reached || reason == StopReason::empty));
  checker.finish(c.now());
  CHECK(checker.message() == "");
  CHECK(rec.ownership_changes() >= 1);
  rec.finish(c.now());
}

}  // namespace

TEST_CASE("The recorder writes closed intervals per DN and view, and equal runs give equal bytes") {
  auto root = scratch("recorder");
  run_small(root / "a", true);
  run_small(root / "b", true);
  for (const char* f : {"dn_views.csv", "ownership.csv", "conflicts.csv", "links.csv",
                        "staleness.csv", "summary.csv", "events.csv"}) {
    INFO(f);
    REQUIRE(fs::exists(root / "a" / f));
    CHECK(slurp(root / "a" / f) == slurp(root / "b" / f));
  }
  auto views = lines_of(slurp(root / "a" / "dn_views.csv"));
  REQUIRE(!views.empty());
  CHECK(views[0] ==
        "seed,scenario,dn,agent,level,node,from,to,duration,owner,service,agent_state,eligible");
  // R1: no owner and OOS until the registration is accepted (1 s + client_request_delay 10 ms);
  // R11: then owned by N1 (the only node of DC1), InSrv.
  CHECK(has_line_starting(views, "1,small,1001,A1,truth,,0.000000,1.010000,1.010000,,OOS,"));
  CHECK(has_line_starting(views, "1,small,1001,A1,view,N1,0.000000,1.010000,1.010000,,OOS,"));
  CHECK(has_line_starting(views, "1,small,1001,A1,stat,N1,0.000000,1.030000,1.030000,,OOS,"));
  // Every interval ends by the end time; the last ones end exactly there; none is empty.
  bool truth_ends_at_end = false;
  for (size_t i = 1; i < views.size(); ++i) {
    auto f = split(views[i]);
    REQUIRE(f.size() == 13);
    INFO(views[i]);
    CHECK(std::stod(f[7]) > std::stod(f[6]));  // to > from: no empty interval
    CHECK(std::stod(f[7]) <= 60.0);
    if (f[4] == "truth" && f[7] == "60.000000") truth_ends_at_end = true;
  }
  CHECK(truth_ends_at_end);

  auto own = lines_of(slurp(root / "a" / "ownership.csv"));
  REQUIRE(own.size() >= 2);
  CHECK(own[0] == "seed,scenario,time,dn,agent,old_owner,new_owner,cause");
  CHECK(own[1] == "1,small,1.010000,1001,A1,,N1,registration");

  auto links = lines_of(slurp(root / "a" / "links.csv"));
  CHECK(links[0] == "seed,scenario,node,peer,from,to,duration,state,kind");
  CHECK(has_line_starting(links, "1,small,N1,N2,0.000000,5.000000,5.000000,up,tc"));

  auto summary = slurp(root / "a" / "summary.csv");
  CHECK(summary.find("1,small,ownership,,,,registration,,changes,1\n") != std::string::npos);
  CHECK(summary.find("1,small,view_time,truth,,,,,insrv_s,58.990000\n") != std::string::npos);
  fs::remove_all(root);
}

TEST_CASE("The invariant checker stops the run when time goes backwards") {
  model::Cluster c(small_spec(), 1);
  stats::InvariantChecker checker(c);
  FiredEvent f;
  f.time = seconds(5);
  checker.on_event(f);
  CHECK_FALSE(checker.violated());
  f.time = seconds(1);
  f.seq = 7;
  checker.on_event(f);
  REQUIRE(checker.violated());
  CHECK(checker.message().find("time went backwards") != std::string::npos);
  CHECK(checker.message().find("1.000000") != std::string::npos);
  CHECK(checker.stop_requested() == StopReason::invariant);  // the model stops the run
}
