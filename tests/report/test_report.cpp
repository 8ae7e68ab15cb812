// scsim report (issue 14): result files are read by column name, .csv.gz is read when .csv is
// absent, absent optional files are reported as absent, and the page's data follow the files.
#include <sqlite3.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "catch.hpp"
#include "report/report.hpp"
#include "report/table.hpp"

namespace fs = std::filesystem;
using scsim::report::Table;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("scsim-report-test-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
}

void write_gz(const fs::path& p, const std::string& text) {
  gzFile g = gzopen(p.string().c_str(), "wb");
  REQUIRE(g != nullptr);
  REQUIRE(gzwrite(g, text.data(), unsigned(text.size())) == int(text.size()));
  gzclose(g);
}

// The message of the exception f throws ("" if none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("report: columns are found by name, whatever their order or extra columns") {
  auto t = Table::parse("extra,sl,\"period, quoted\"\n1,0.5,\"a \"\"b\"\", c\"\r\n", "x.csv");
  REQUIRE(t.rows() == 1);
  CHECK(t.num(0, "sl") == 0.5);
  CHECK(t.get(0, "period, quoted") == "a \"b\", c");
  CHECK(t.get(0, "absent").empty());
  CHECK(t.num(0, "absent", -1) == -1);
  CHECK(error_of([&] { (void)Table::parse("a\n\"open\n", "bad.csv"); }).find("bad.csv:2") !=
        std::string::npos);
}

TEST_CASE("report: NAME.csv.gz is read when NAME.csv is absent; an absent file is nullopt") {
  auto d = fresh_dir("gz");
  write_gz(d / "periods.csv.gz", "period,node,offered,sl\nconnected,all,10,0.9\n");
  auto t = Table::load(d, "periods");
  REQUIRE(t);
  CHECK(t->num(0, "sl") == 0.9);
  CHECK_FALSE(Table::load(d, "calls"));
  write(d / "broken.csv.gz", "not gzip at all");
  CHECK(error_of([&] { (void)Table::load(d, "broken"); }).find("broken.csv.gz") !=
        std::string::npos);
}

TEST_CASE("report: a run directory with optional files missing gives their sections as absent") {
  auto d = fresh_dir("run");
  write(d / "run.csv",
        "seed,scenario,section,name,value\n1,s,run,scenario,s\n1,s,run,end_time,600\n"
        "1,s,run,fingerprint,00ff\n");
  // A newer periods.csv: a `dc` column and rows per DC (node empty), columns reordered.
  write(d / "periods.csv",
        "sl,period,dc,node,offered,from_clock\n0.8,connected,,all,100,x\n"
        "0.6,partitioned,DC1,,40,y\n");
  CHECK(scsim::report::kind_of(d) == scsim::report::Kind::run);
  auto j = nlohmann::json::parse(scsim::report::build_json(d));
  CHECK(j["kind"] == "run");
  CHECK(j["meta"]["fingerprint"] == "00ff");
  CHECK(j["end"] == 600.0);
  REQUIRE(j["periods"].size() == 2);
  CHECK(j["periods"][1]["scope"] == "DC1");
  CHECK(j["periods"][1]["sl"] == 0.6);
  CHECK(j["links"].is_null());
  CHECK(j["episodes"].is_null());
  CHECK(j["service"].is_null());
  CHECK(j["queue"].is_null());
  auto lines = scsim::report::terminal_summary(d);
  REQUIRE(lines.size() == 2);  // header + the `all` row (the DC row is not a period total)
  CHECK(lines[1].find("0.800") != std::string::npos);
}

TEST_CASE("report: link states shade the periods, partitioned over undetected") {
  auto d = fresh_dir("links");
  write(d / "run.csv", "seed,scenario,section,name,value\n1,s,run,end_time,300\n");
  write(d / "links.csv",
        "node,peer,from,to,state\nN1,N2,0,100,up\nN1,N2,100,110,cut_undeclared\n"
        "N2,N1,100,105,cut_undeclared\nN2,N1,105,200,declared_lost\nN1,N2,110,200,"
        "declared_lost\n");
  auto j = nlohmann::json::parse(scsim::report::build_json(d));
  REQUIRE(j["spans"].size() == 2);
  CHECK(j["spans"][0] == nlohmann::json::array({105.0, 200.0, "partitioned"}));
  CHECK(j["spans"][1] == nlohmann::json::array({100.0, 105.0, "undetected"}));
  CHECK(j["links"]["lanes"].size() == 2);
}

TEST_CASE("report: GWS-node connection ends get lanes but shade no period (choice 56)") {
  auto d = fresh_dir("gws-links");
  write(d / "run.csv", "seed,scenario,section,name,value\n1,s,run,end_time,300\n");
  write(d / "links.csv",
        "node,peer,from,to,state,kind\nN1,N2,0,300,up,tc\nG1,N1,0,100,up,gws\n"
        "G1,N1,100,300,declared_lost,gws\nN1,G1,100,300,cut_undeclared,gws\n");
  auto j = nlohmann::json::parse(scsim::report::build_json(d));
  CHECK(j["spans"].empty());
  CHECK(j["links"]["lanes"].size() == 3);
  CHECK(j["links"]["lanes"][1]["lane"] == "gws G1→N1");
}

TEST_CASE("report: a directory that is no results directory is refused with its name") {
  auto d = fresh_dir("empty");
  CHECK(scsim::report::kind_of(d) == scsim::report::Kind::unknown);
  CHECK(error_of([&] { (void)scsim::report::build_json(d); }).find("not a results directory") !=
        std::string::npos);
}

TEST_CASE("report: a file that scsim report did not write is never overwritten") {
  auto d = fresh_dir("keep");
  write(d / "run.csv", "seed,scenario,section,name,value\n1,s,run,end_time,60\n");
  write(d / "mine.html", "my notes");
  scsim::report::Options o;
  o.chartjs = d / "run.csv";  // any file: the page is not opened here
  CHECK(error_of([&] {
          scsim::report::write_report(d, d / "mine.html", o);
        }).find("not overwritten") != std::string::npos);
  std::ifstream f(d / "mine.html");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(text == "my notes");
  scsim::report::write_report(d, d / "report.html", o);
  scsim::report::write_report(d, d / "report.html", o);  // its own report: replaced
  CHECK(fs::file_size(d / "report.html") > 1000);
}

TEST_CASE("report: a compare states the capacity R36 held during partitions (DOMAIN 6.4 item 2)") {
  auto d = fresh_dir("r36");
  // compare's means.csv rows (DOMAIN §6.4 item 3): all, then per DC its nodes, none, its total.
  const std::string head = "scope,dc,node,kpi,mode,mean,sd,ci95_half_width,n\n";
  write(d / "means.csv", head +
                             "partitioned,all,all,held_by_r36_s,auto,9000,0,0,5\n"
                             "partitioned,DC1,N1,held_by_r36_s,auto,6000,0,0,5\n"
                             "partitioned,DC1,all,held_by_r36_s,auto,6000,0,0,5\n"
                             "partitioned,DC2,N2,held_by_r36_s,auto,3000,0,0,5\n"
                             "partitioned,DC2,all,held_by_r36_s,auto,3000,0,0,5\n"
                             "partitioned,DC1,all,held_by_r36_s,local_node,0,0,0,5\n"
                             "connected,DC1,all,held_by_r36_s,auto,120,0,0,5\n");
  auto j = nlohmann::json::parse(scsim::report::build_json(d));
  CHECK(j["kind"] == "compare");
  const std::string note = j["r36_note"];
  CHECK(note.find("100 agent-minutes in DC1 and 50 in DC2") != std::string::npos);
  CHECK(note.find("under auto") != std::string::npos);
  // Nothing held: no note.
  write(d / "means.csv", head + "partitioned,DC1,all,held_by_r36_s,auto,0,0,0,5\n");
  CHECK(nlohmann::json::parse(scsim::report::build_json(d))["r36_note"] == "");
}

TEST_CASE("report: a campaign's page reads its grid from campaign.sqlite and the DC-wide rows") {
  auto d = fresh_dir("campaign");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((d / "campaign.sqlite").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE campaign(name, campaign_file, scenario, seed, replications, "
                       "modes, grid_points, runs, scsim_version, git_commit);"
                       "INSERT INTO campaign VALUES('c', 'c.yaml', 's.yaml', 3, 2, "
                       "'auto,local_node', 2, 8, 'v', 'g');"
                       "CREATE TABLE knobs(position, name, column_name, kind);"
                       "INSERT INTO knobs VALUES(0, 'addp_timeout_s', 'addp_timeout_s', 'param');"
                       "CREATE TABLE runs(run_id, point, addp_timeout_s, mode, status, events);"
                       "INSERT INTO runs VALUES(0, 0, 5, 'auto', 'ok', 10), (1, 0, 5, "
                       "'local_node', 'ok', 20), (2, 1, 20, 'auto', 'failed', 0);",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  write(d / "summary.csv",
        "campaign,point,addp_timeout_s,dc,node,mode,period,kpi,mean,ci95_half_width,n\n"
        "c,0,5,DC1,N1,auto,partitioned,sl,0.1,0.01,2\nc,0,5,all,all,auto,partitioned,sl,0.7,"
        "0.02,2\n");
  write(d / "paired.csv",
        "campaign,point,addp_timeout_s,dc,node,period,kpi,mode_a,mode_b,diff_mean,ci95_low,"
        "ci95_high,n\nc,0,5,all,all,partitioned,sl,auto,local_node,-0.1,-0.2,0.0,2\n"
        "c,0,5,DC1,all,partitioned,sl,auto,local_node,-0.3,-0.4,-0.2,2\n");
  CHECK(scsim::report::kind_of(d) == scsim::report::Kind::campaign);
  auto j = nlohmann::json::parse(scsim::report::build_json(d));
  CHECK(j["kind"] == "campaign");
  CHECK(j["meta"]["failed"] == "1");
  REQUIRE(j["grid"].size() == 2);
  CHECK(j["grid"][0]["values"][0] == "5");
  CHECK(j["grid"][0]["ok"] == 2);
  CHECK(j["grid"][1]["ok"] == 0);
  REQUIRE(j["summary"].size() == 1);  // the DC- and node-wide row only
  CHECK(j["summary"][0]["mean"] == 0.7);
  REQUIRE(j["paired"].size() == 1);
  CHECK(j["paired"][0]["diff"] == -0.1);
}
