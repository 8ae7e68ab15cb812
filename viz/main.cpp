// scsim-viz: the window and renderer set-up (GLFW + OpenGL 3 + Dear ImGui 1.86), the command
// line, and the headless mode that renders to a PNG for tests and documentation. Everything
// the window shows lives in app.cpp and the panels.
//
//   scsim-viz FILE [--seed N] [--set name=value]... [--actions A.yaml] [--at T]
//             [--screenshot out.png] [--size WxH] [--bench-frames N] [--replicate K]
//             [--save-scenario out.yaml] [--write-results DIR] [--print-links] [--tab NAME]...
//
// Headless (with --screenshot or --bench-frames): runs to T (default 0), renders frames into a
// hidden window, writes the PNG (exit 3 if the frame is blank) and exits.
#include <time.h>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <GLFW/glfw3.h>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"
#include "clock.hpp"
#include "palette.hpp"
#include "scenario/scenario.hpp"
#include "scenario/writer.hpp"
#include "sequence_panel.hpp"
#include "session.hpp"
#include "stats/csv.hpp"

namespace {

using namespace scsim;

const char* const kUsage =
    "scsim-viz: watch a scenario run, cut and heal links, crash nodes, replay every session\n"
    "\n"
    "Usage:\n"
    "  scsim-viz FILE [--seed N] [--set name=value]... [--actions A.yaml]\n"
    "  scsim-viz FILE --at T --screenshot out.png [--size 1280x800]   (headless)\n"
    "\n"
    "Options:\n"
    "  --seed N              run seed (default: the scenario's)\n"
    "  --set NAME=VALUE      parameter override, as `scsim run --set` (repeatable)\n"
    "  --actions FILE        extra timeline actions (a YAML map with `timeline:` in the scenario\n"
    "                        syntax), as if made by hand in the window\n"
    "  --at T                start at (headless: render at) simulated time T\n"
    "  --screenshot PNG      headless: render and write a PNG, then exit (3 if blank)\n"
    "  --size WxH            window / screenshot size (default 1280x800)\n"
    "  --bench-frames N      headless: build N frames, print the mean CPU time per frame\n"
    "  --replicate K         repeat every agent K times (with its actions): 50 x 400 = 20 000 DNs\n"
    "  --save-scenario FILE  headless: write the scenario with the actions (as File > Save)\n"
    "  --write-results DIR   headless: write the results of a run to the end (as scsim run)\n"
    "  --print-links         headless: print each TC link's midpoint pixel and state\n"
    "  --tab NAME            open a tab: calls, kpis, dns, sequence (calls/KPI window), next\n"
    "                        (event log) (repeatable; headless screenshots)\n"
    "  --sequence-svg FILE   headless: write the sequence chart (TC messages, snapshots,\n"
    "                        REGISTERs, TRegisterAddress, ADDP declarations; lost messages end\n"
    "                        in a cross) of the window --from T --to T as SVG; runs to --to\n"
    "                        unless --at is later\n"
    "  --from T, --to T      the sequence chart's window (clock time 12:00:00 or seconds)\n"
    "  --bench-seek N        headless, no window: from --at T (default the end), seek back N\n"
    "                        times to evenly spaced earlier times and forth again; print the\n"
    "                        median and worst wall time of a backward seek, the checkpoints\n"
    "                        kept and the process's resident memory\n"
    "  --no-checkpoints      seek back by re-executing from 0 (the GUI before instant rewind)\n"
    "\n"
    "Keys and mouse: see Help in the window (Space play/pause, . step, N next action,\n"
    "click a link to cut/heal it, Shift+click one way, right-click a node to crash/restart).\n";

struct Options {
  std::string file;
  std::optional<uint64_t> seed;
  std::vector<std::pair<std::string, std::string>> sets;
  std::string actions;
  std::optional<Time> at;
  std::string screenshot;
  int width = 1280, height = 800;
  int bench_frames = 0;
  int replicate = 1;
  std::string save_scenario;
  std::string write_results;
  bool print_links = false;
  std::vector<std::string> tabs;
  std::string sequence_svg;
  int bench_seek = 0;
  bool no_checkpoints = false;
  std::optional<Time> from, to;
  bool headless() const { return !screenshot.empty() || bench_frames > 0; }
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

uint64_t parse_u64(const std::string& opt, const std::string& s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) {
    throw UsageError(opt + " expects a non-negative integer, got \"" + s + "\"");
  }
  return v;
}

Options parse_args(int argc, char** argv) {
  Options o;
  std::vector<std::string> a(argv + 1, argv + argc);
  for (size_t i = 0; i < a.size(); ++i) {
    const std::string& k = a[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= a.size()) throw UsageError(k + " needs a value");
      return a[++i];
    };
    if (k == "--help" || k == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (k == "--seed") {
      o.seed = parse_u64(k, value());
    } else if (k == "--set") {
      std::string s = value();
      auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--set expects name=value");
      o.sets.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    } else if (k == "--actions") {
      o.actions = value();
    } else if (k == "--at") {
      auto t = parse_time(value());
      if (!t.value) throw UsageError("--at: " + t.error);
      o.at = *t.value;
    } else if (k == "--screenshot") {
      o.screenshot = value();
    } else if (k == "--size") {
      std::string s = value();
      if (std::sscanf(s.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 64 ||
          o.height < 64 || o.width > 8192 || o.height > 8192) {
        throw UsageError("--size expects WxH, e.g. 1280x800, got \"" + s + "\"");
      }
    } else if (k == "--bench-frames") {
      o.bench_frames = static_cast<int>(parse_u64(k, value()));
    } else if (k == "--replicate") {
      o.replicate = static_cast<int>(parse_u64(k, value()));
      if (o.replicate < 1 || o.replicate > 1000) throw UsageError("--replicate expects 1..1000");
    } else if (k == "--save-scenario") {
      o.save_scenario = value();
    } else if (k == "--write-results") {
      o.write_results = value();
    } else if (k == "--tab") {
      std::string t = value();
      if (t != "calls" && t != "kpis" && t != "dns" && t != "sequence" && t != "next")
        throw UsageError("--tab expects calls, kpis, dns, sequence or next, got \"" + t + "\"");
      o.tabs.push_back(t);
    } else if (k == "--bench-seek") {
      o.bench_seek = static_cast<int>(parse_u64(k, value()));
      if (o.bench_seek < 1 || o.bench_seek > 1000) throw UsageError("--bench-seek expects 1..1000");
    } else if (k == "--sequence-svg") {
      o.sequence_svg = value();
    } else if (k == "--from" || k == "--to") {
      auto t = parse_time(value());
      if (!t.value) throw UsageError(k + ": " + t.error);
      (k == "--from" ? o.from : o.to) = *t.value;
    } else if (k == "--no-checkpoints") {
      o.no_checkpoints = true;
    } else if (k == "--print-links") {
      o.print_links = true;
    } else if (!k.empty() && k[0] == '-') {
      throw UsageError("unknown option " + k + " (see --help)");
    } else if (o.file.empty()) {
      o.file = k;
    } else {
      throw UsageError("one scenario FILE only (got \"" + o.file + "\" and \"" + k + "\")");
    }
  }
  if (o.file.empty()) throw UsageError("no scenario FILE given (see --help)");
  if (!o.sequence_svg.empty() && (!o.from || !o.to || *o.to <= *o.from))
    throw UsageError("--sequence-svg needs --from T and --to T with T(from) < T(to)");
  return o;
}

// A "VmRSS:"-style line of /proc/self/status in MiB (0 if absent).
double proc_status_mib(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0)
      return std::strtod(line.c_str() + std::strlen(key), nullptr) / 1024;
  return 0;
}

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void glfw_error(int code, const char* what) {
  std::fprintf(stderr, "scsim-viz: GLFW error %d: %s\n", code, what);
}

// Reads the back buffer; writes it as a PNG; returns the share of pixels that differ from the
// clear colour (0 for a blank frame), or -1 if the file could not be written.
double screenshot(const std::string& path, int w, int h) {
  std::vector<unsigned char> px(static_cast<size_t>(w) * static_cast<size_t>(h) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  stbi_flip_vertically_on_write(1);  // GL's origin is bottom-left
  if (!stbi_write_png(path.c_str(), w, h, 4, px.data(), w * 4)) return -1;
  size_t differ = 0;
  const auto bg = viz::kBackground;
  for (size_t i = 0; i < px.size(); i += 4) {
    if (px[i] != bg.r || px[i + 1] != bg.g || px[i + 2] != bg.b) ++differ;
  }
  return static_cast<double>(differ) / static_cast<double>(static_cast<size_t>(w) * h);
}

int run_viz(const Options& o) {
  auto loaded = scenario::load_scenario(o.file, o.sets);
  if (!loaded.scenario) {
    for (const auto& e : loaded.errors)
      std::cerr << e.to_string() << "\n";
    return 2;
  }
  scenario::Scenario sc = viz::replicate_agents(*loaded.scenario, o.replicate);
  const uint64_t seed = o.seed.value_or(sc.seed);
  std::vector<model::Action> actions;
  if (!o.actions.empty()) {
    auto r = scenario::load_actions(sc, o.actions);
    if (!r.errors.empty()) {
      for (const auto& e : r.errors)
        std::cerr << e.to_string() << "\n";
      return 2;
    }
    actions = std::move(r.actions);
  }
  auto session = std::make_unique<viz::Session>(sc, seed);
  if (o.no_checkpoints) session->set_checkpoints(false);
  if (!actions.empty()) session->set_user_actions(actions);
  if (o.at) session->run_until(*o.at);
  if (o.bench_seek > 0) {
    // Wall time on purpose: this measures the GUI's seek, not the simulation.
    const Time top = o.at.value_or(session->end());
    session->run_until(top);
    std::vector<double> ms;
    for (int k = o.bench_seek; k >= 1; --k) {
      const Time back = micros(top.micros() / (o.bench_seek + 1) * k);
      const auto t0 = std::chrono::steady_clock::now();
      session->run_until(back);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      session->run_until(top);
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "bench-seek: %d DNs, %d backward seeks from %s: median %.0f ms, worst %.0f ms; "
        "%zu checkpoints every %llu events (%llu seeks restored one); resident memory %.0f MiB, "
        "peak "
        "%.0f MiB\n",
        session->cluster().dn_count(), o.bench_seek, viz::clock_time(top).c_str(),
        ms[ms.size() / 2], ms.back(), session->checkpoints(),
        static_cast<unsigned long long>(session->checkpoint_spacing()),
        static_cast<unsigned long long>(session->restores()), proc_status_mib("VmRSS:"),
        proc_status_mib("VmHWM:"));
    return 0;
  }
  if (!o.sequence_svg.empty()) {
    if (session->now() < *o.to) session->run_until(*o.to);
    viz::SeqFilter all;
    std::string err = viz::write_sequence_svg(*session, *o.from, *o.to, all, o.sequence_svg);
    if (!err.empty()) {
      std::cerr << "scsim-viz: " << err << "\n";
      return 1;
    }
    std::printf("sequence chart %s: %s - %s\n", o.sequence_svg.c_str(),
                viz::clock_time(*o.from).c_str(), viz::clock_time(*o.to).c_str());
    if (!o.headless()) return 0;
  }
  viz::App app(std::move(session));
  for (const auto& t : o.tabs)
    app.select_tab(t);

  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  if (o.headless()) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  std::string title = "scsim-viz: " + sc.name;
  GLFWwindow* win = glfwCreateWindow(o.width, o.height, title.c_str(), nullptr, nullptr);
  if (!win) {
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(win);
  glfwSwapInterval(o.headless() ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // fixed layout: nothing to remember, no imgui.ini left behind
  ImGui::StyleColorsDark();
  ImGui::GetStyle().WindowRounding = 0;
  ImGui_ImplGlfw_InitForOpenGL(win, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int rc = 0;
  const int settle_frames = 3;  // windows settle their size in the first frames
  const int frames_to_run = o.headless() ? settle_frames + o.bench_frames : -1;
  double build_ms = 0, total_ms = 0;
  auto last = std::chrono::steady_clock::now();
  for (int f = 0; frames_to_run < 0 || f < frames_to_run; ++f) {
    if (glfwWindowShouldClose(win) || app.quit_requested()) break;
    glfwPollEvents();
    auto now = std::chrono::steady_clock::now();
    double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    const double t0 = cpu_ms();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    app.frame(o.headless() ? 0.0 : dt);
    ImGui::Render();
    const double t1 = cpu_ms();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(win, &fw, &fh);
    glViewport(0, 0, fw, fh);
    const auto bg = viz::kBackground;
    glClearColor(bg.r / 255.0f, bg.g / 255.0f, bg.b / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (f >= settle_frames) {
      glFinish();
      build_ms += t1 - t0;
      total_ms += cpu_ms() - t0;
    }
    if (!o.screenshot.empty() && f == settle_frames - 1) {
      double share = screenshot(o.screenshot, fw, fh);
      if (share < 0) {
        std::cerr << "scsim-viz: cannot write " << o.screenshot << "\n";
        rc = 1;
      } else if (share < 0.01) {
        std::cerr << "scsim-viz: " << o.screenshot << ": the frame is blank\n";
        rc = 3;
      } else {
        std::printf("screenshot %s %dx%d at %s (%.0f%% of pixels drawn)\n", o.screenshot.c_str(),
                    fw, fh, viz::clock_time(app.session().now()).c_str(), share * 100);
      }
      if (o.print_links) {
        const auto& spec = app.session().cluster().spec();
        for (const auto& p : app.topology().probes()) {
          auto col = viz::link_color(p.state);
          std::printf("link %s %s midpoint %d %d state %s rgb %d %d %d\n",
                      spec.nodes[static_cast<size_t>(p.a)].name.c_str(),
                      spec.nodes[static_cast<size_t>(p.b)].name.c_str(),
                      static_cast<int>(p.x + 0.5f), static_cast<int>(p.y + 0.5f),
                      model::to_string(p.state), col.r, col.g, col.b);
        }
      }
    }
    glfwSwapBuffers(win);
  }
  if (o.bench_frames > 0) {
    std::printf(
        "bench: %d frames, %d DNs, %d nodes, at %s: mean CPU %.3f ms to build a frame "
        "(panels + ImGui::Render), %.3f ms with the GL draw\n",
        o.bench_frames, app.session().cluster().dn_count(), app.session().cluster().node_count(),
        viz::clock_time(app.session().now()).c_str(), build_ms / o.bench_frames,
        total_ms / o.bench_frames);
  }

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(win);
  glfwTerminate();

  if (o.headless()) {
    viz::Session& s = app.session();
    if (!o.save_scenario.empty()) {
      std::string err = s.save(o.save_scenario);
      if (!err.empty()) {
        std::cerr << "scsim-viz: " << err << "\n";
        return 1;
      }
      std::printf("saved %s\n", o.save_scenario.c_str());
    }
    if (!o.write_results.empty()) {
      std::string fp;
      std::string err = s.write_results(o.write_results, &fp);
      if (!err.empty()) {
        std::cerr << "scsim-viz: " << err << "\n";
        return 1;
      }
      std::printf("results %s fingerprint %s\n", o.write_results.c_str(), fp.c_str());
    }
    const auto& cs = s.calls();
    int bins_with_calls = 0;
    for (int b = 0; b < cs.bins; ++b)
      bins_with_calls += cs.at(b, s.cluster().node_count()).offered > 0 ? 1 : 0;
    int queued = 0;
    for (int n = 0; n < s.cluster().node_count(); ++n)
      queued += s.cluster().queue_length(n);
    std::printf(
        "calls: %llu decisions collected (%zu kept), %llu arrived, %llu in progress, %d queued, "
        "%llu ended, %d KPI bins with calls, %zu period span(s)\n",
        static_cast<unsigned long long>(cs.decisions), cs.last.size(),
        static_cast<unsigned long long>(s.cluster().calls_arrived()),
        static_cast<unsigned long long>(s.cluster().calls_active()), queued,
        static_cast<unsigned long long>(cs.ended), bins_with_calls, cs.periods.size());
    std::printf("%s: seed %llu, %llu events, at %s, fingerprint %s, %zu edit(s)\n",
                s.scenario().name.c_str(), static_cast<unsigned long long>(s.seed()),
                static_cast<unsigned long long>(s.cluster().scheduler().executed()),
                viz::clock_time(s.now()).c_str(),
                stats::hex64(s.cluster().scheduler().fingerprint()).c_str(),
                s.user_actions().size());
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_viz(parse_args(argc, argv));
  } catch (const UsageError& e) {
    std::cerr << "scsim-viz: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "scsim-viz: " << e.what() << "\n";
    return 1;
  }
}
