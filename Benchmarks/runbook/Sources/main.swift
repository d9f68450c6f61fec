import BasculeCore
import Foundation

// Times the forecast of a 10,000-step runbook (critical path and 1,000 Monte Carlo draws),
// the critical path alone of a 100,000-step runbook (written to a file for networkx's
// dag_longest_path in run.sh), and reports the forecast's accuracy over 400 simulated cutovers (ForecastSimulation.Parameters).

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

/// A runbook shaped like real ones: phases in sequence, parallel branches inside each, a few
/// joins, some downtime steps. Deterministic.
func runbook(_ count: Int, seed: UInt64) -> [RunbookStep] {
    var state = seed
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    var steps: [RunbookStep] = []
    for index in 0..<count {
        var predecessors: [String] = []
        if index > 0 { predecessors.append("s\(index - 1 - Int(next() % UInt64(min(index, 8))))") }
        if index > 10, next() % 4 == 0 { predecessors.append("s\(index - 1 - Int(next() % UInt64(min(index, 50))))") }
        steps.append(RunbookStep(key: "s\(index)", title: "Step \(index)", plannedDuration: Double(60 * (1 + next() % 30)),
                                 predecessors: Array(Set(predecessors)).sorted(), downtime: next() % 10 == 0))
    }
    return steps
}

let output = CommandLine.arguments.dropFirst().first ?? "/tmp/runbook-100k.csv"
let start = Date(timeIntervalSince1970: 1_800_000_000)

// 1. Forecast of 10,000 steps with rehearsal history for half of them.
let steps = runbook(10_000, seed: 1)
var history: [String: [TimeInterval]] = [:]
for step in steps.prefix(5_000) { history[step.key] = [step.plannedDuration * 0.9, step.plannedDuration * 1.2, step.plannedDuration * 1.05] }
let forecaster = Forecaster(steps: steps, history: history)
var forecast: Forecast!
_ = forecaster.forecast(start: start, now: start, draws: 10)
let forecastTimes = (0..<5).map { _ in milliseconds { forecast = forecaster.forecast(start: start, now: start, draws: 1000) } }
print(String(format: "forecast 10000 steps, 1000 draws: best %.1f ms of 5 (P50 end +%.0f min, P90 +%.0f min, critical path %d steps)",
             forecastTimes.min()!, forecast.p50End.timeIntervalSince(start) / 60, forecast.p90End.timeIntervalSince(start) / 60, forecast.criticalPath.count))

// 1b. As a run's page makes it: draws within the budget (Forecaster.affordableDraws).
let affordable = Forecaster.affordableDraws(1000, steps: steps.count)
let pageTimes = (0..<5).map { _ in milliseconds { forecast = forecaster.forecast(start: start, now: start, draws: affordable) } }
print(String(format: "forecast 10000 steps as a page makes it, %d draws: best %.1f ms of 5", affordable, pageTimes.min()!))

// 2. Critical path of 100,000 steps.
let big = runbook(100_000, seed: 2)
var graph: RunbookGraph!
let graphTime = milliseconds { graph = RunbookGraph(big) }
var timeline: Timeline!
let durations = big.map(\.plannedDuration)
let none = [Date?](repeating: nil, count: big.count)
let pathTimes = (0..<5).map { _ in milliseconds { timeline = CriticalPath.timeline(graph, durations: durations, earliest: none, origin: start) } }
let length = Int(timeline.end.timeIntervalSince(start))
print(String(format: "criticalpath 100000 %.3f %d %d (graph built in %.1f ms)", pathTimes.min()!, length, timeline.criticalPath.count, graphTime))
var csv = "step,duration,predecessors\n"
for step in big { csv += "\(step.key),\(Int(step.plannedDuration)),\(step.predecessors.joined(separator: ";"))\n" }
try! csv.write(toFile: output, atomically: true, encoding: .utf8)

// 3. Accuracy.
// 3. Accuracy on the same simulated cutovers, as the forecast was before it learned, then now.
// SIMULATION="hiccups=0 slowdown=1.2" changes the simulation's parameters, to see what each costs.
var parameters = ForecastSimulation.Parameters()
for setting in (ProcessInfo.processInfo.environment["SIMULATION"] ?? "").split(separator: " ") {
    let parts = setting.split(separator: "=").map(String.init)
    guard parts.count == 2, let value = Double(parts[1]) else { fatalError("SIMULATION: \(setting) is not name=number") }
    switch parts[0] {
    case "cutovers": parameters.cutovers = Int(value)
    case "steps": parameters.steps = Int(value)
    case "sequential": parameters.sequential = value
    case "rehearsals": parameters.rehearsals = Int(value)
    case "slowdown": parameters.slowdown = value
    case "slowdownSpread": parameters.slowdownSpread = value
    case "applicationSpread": parameters.applicationSpread = value
    case "rehearsalSpread": parameters.rehearsalSpread = value
    case "hiccups": parameters.hiccups = value
    case "fragileSteps": parameters.fragileSteps = value
    case "fragileFailure": parameters.fragileFailure = value
    case "seed": parameters.seed = UInt64(value)
    case "stepSpreadLow": parameters.stepSpread = value...max(value, parameters.stepSpread.upperBound)
    case "stepSpreadHigh": parameters.stepSpread = min(value, parameters.stepSpread.lowerBound)...value
    default: fatalError("SIMULATION: no parameter \(parts[0])")
    }
}
for learning in [false, true] {
    parameters.learning = learning
    print("accuracy, \(learning ? "learning" : "before learning (reference)"):\n\(ForecastSimulation.run(parameters))")
}
