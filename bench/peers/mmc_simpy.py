#!/usr/bin/python3
"""M/M/c (+M) call centre in SimPy, the peer that `scsim-bench mmc` times scsim against.

Calls arrive as a Poisson stream at rate rho * c / aht, wait FIFO for one of c agents, are
handled for an exponential time of mean aht and, with --patience P, hang up after an
exponential patience of mean P if no agent took them. Prints the calls simulated per second
of wall time ("calls/s N") and the waiting statistics, which the Erlang C / Erlang A formulas
of `scsim erlang` predict.

Debian 12's python3-simpy is SimPy 2.3 (`apt-get install python3-simpy`), whose API this
uses (SimPy.Simulation: Process, Resource, hold/request/release, reneging by a compound yield).
"""
import argparse
import random
import sys
import time

from SimPy.Simulation import Process, Resource, Simulation, hold, release, request


class Tally:
    def __init__(self):
        self.calls = 0
        self.answered = 0
        self.abandoned = 0
        self.wait_sum = 0.0
        self.waited = 0


class Call(Process):
    def life(self, agents, aht, patience, rng, tally):
        arrived = self.sim.now()
        if patience > 0:
            yield (request, self, agents), (hold, self, rng.expovariate(1.0 / patience))
            if not self.acquired(agents):
                tally.abandoned += 1
                return
        else:
            yield request, self, agents
        wait = self.sim.now() - arrived
        tally.answered += 1
        tally.wait_sum += wait
        if wait > 0:
            tally.waited += 1
        yield hold, self, rng.expovariate(1.0 / aht)
        yield release, self, agents


class Arrivals(Process):
    def life(self, n, rate, agents, aht, patience, rng, tally):
        for _ in range(n):
            call = Call(sim=self.sim)
            self.sim.activate(call, call.life(agents, aht, patience, rng, tally))
            tally.calls += 1
            yield hold, self, rng.expovariate(rate)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-c", type=int, default=100, help="agents")
    ap.add_argument("--rho", type=float, default=0.9, help="offered load per agent")
    ap.add_argument("--aht", type=float, default=180.0, help="mean handle time, s")
    ap.add_argument("--patience", type=float, default=0.0, help="mean patience, s (0: none)")
    ap.add_argument("--calls", type=int, default=100000, help="calls to simulate")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.c < 1 or a.rho <= 0 or a.aht <= 0 or a.calls < 1:
        ap.error("need c >= 1, rho > 0, aht > 0 and calls >= 1")
    rng = random.Random(a.seed)
    tally = Tally()
    sim = Simulation()
    sim.initialize()
    agents = Resource(capacity=a.c, sim=sim, name="agents")
    src = Arrivals(sim=sim)
    rate = a.rho * a.c / a.aht
    sim.activate(src, src.life(a.calls, rate, agents, a.aht, a.patience, rng, tally))
    start = time.perf_counter()
    sim.simulate(until=1e15)
    wall = time.perf_counter() - start
    done = tally.answered + tally.abandoned
    print("calls %d answered %d abandoned %d" % (tally.calls, tally.answered, tally.abandoned))
    if tally.answered:
        print("P(wait>0) %.4f  mean wait of answered %.3f s" %
              (tally.waited / tally.answered, tally.wait_sum / tally.answered))
    print("wall %.3f s  calls/s %.0f" % (wall, done / wall if wall > 0 else 0.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
