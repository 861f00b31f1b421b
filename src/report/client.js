// Runs in the browser: draws each PlotSpec (see types.ts) with the inlined Observable Plot.
// Kept as plain JavaScript because it is inlined into the page as is.
(() => {
  const specs = JSON.parse(document.getElementById("report-plots").textContent);
  const width = () => Math.min(900, document.querySelector("main").clientWidth);
  const hasSeries = (data) => data.some((d) => d.series !== undefined && d.series !== null);

  function bars(spec) {
    const grouped = hasSeries(spec.data);
    const labels = [...new Set(spec.data.map((d) => d.label))];
    const series = [...new Set(spec.data.map((d) => d.series))];
    const lines = labelLines(labels);
    const rowHeight = Math.max(grouped ? 12 * series.length + 8 : 20, 12 * lines + 6);
    const marks = [
      Plot.barX(spec.data, {
        x: "value",
        y: grouped ? "series" : "label",
        fy: grouped ? "label" : undefined,
        fill: grouped ? "series" : "#4c78a8",
        title: (d) => `${d.label}${grouped ? ` · ${d.series}` : ""}: ${fmt(d.value)}`,
      }),
      // Horizontal error bars: a rule along x at each bar's y.
      Plot.ruleY(
        spec.data.filter((d) => d.lower != null && d.upper != null),
        { x1: "lower", x2: "upper", y: grouped ? "series" : "label", fy: grouped ? "label" : undefined },
      ),
      Plot.tickX(
        spec.data.filter((d) => d.reference != null),
        {
          x: "reference",
          y: grouped ? "series" : "label",
          fy: grouped ? "label" : undefined,
          stroke: "black",
          strokeWidth: 3,
          title: (d) => `${spec.referenceLabel ?? "reference"}: ${fmt(d.reference)}`,
        },
      ),
    ];
    if (spec.rule != null) marks.push(Plot.ruleX([spec.rule], { stroke: "#888", strokeDasharray: "4,3" }));
    marks.push(labelAxis(grouped ? "fy" : "y"));
    return Plot.plot({
      width: width(),
      height: 40 + rowHeight * labels.length,
      marginLeft: grouped ? 40 : (spec.marginLeft ?? leftMargin(labels)),
      x: { domain: spec.domain, label: spec.valueLabel ?? null, grid: true },
      y: grouped ? { axis: null, domain: series } : { domain: labels, label: null },
      fy: grouped ? { domain: labels, label: null } : undefined,
      facet: grouped ? { marginLeft: spec.marginLeft ?? leftMargin(labels) } : undefined,
      color: grouped ? { legend: true, domain: series } : undefined,
      caption: spec.data.some((d) => d.reference != null)
        ? `Black tick: ${spec.referenceLabel ?? "reference"}`
        : undefined,
      marks,
    });
  }

  function intervals(spec) {
    const grouped = hasSeries(spec.data);
    const labels = [...new Set(spec.data.map((d) => d.label))];
    const series = [...new Set(spec.data.map((d) => d.series))];
    const y = grouped ? "series" : "label";
    const fy = grouped ? "label" : undefined;
    const color = grouped ? "series" : "#4c78a8";
    const marks = [
      Plot.ruleY(
        spec.data.filter((d) => d.lower != null && d.upper != null),
        { x1: "lower", x2: "upper", y, fy, stroke: color, strokeWidth: 2 },
      ),
      Plot.dot(
        spec.data.filter((d) => d.estimate != null),
        {
          x: "estimate",
          y,
          fy,
          fill: color,
          r: 4,
          title: (d) =>
            `${d.label}${grouped ? ` · ${d.series}` : ""}: ${fmt(d.estimate)} [${fmt(d.lower)}, ${fmt(d.upper)}]`,
        },
      ),
    ];
    if (spec.rule != null) marks.unshift(Plot.ruleX([spec.rule], { stroke: "#888", strokeDasharray: "4,3" }));
    marks.push(labelAxis(grouped ? "fy" : "y"));
    const lines = labelLines(labels);
    return Plot.plot({
      width: width(),
      height: 40 + Math.max(grouped ? 12 * series.length + 10 : 22, 12 * lines + 6) * labels.length,
      marginLeft: grouped ? 40 : (spec.marginLeft ?? leftMargin(labels)),
      marginRight: 24,
      // Interval ends are the data's extremes: a little room keeps them off the frame.
      x: { domain: spec.domain, label: spec.valueLabel ?? null, grid: true, nice: !spec.domain, inset: 8 },
      y: grouped ? { axis: null, domain: series } : { domain: labels, label: null },
      fy: grouped ? { domain: labels, label: null } : undefined,
      facet: grouped ? { marginLeft: spec.marginLeft ?? leftMargin(labels) } : undefined,
      color: grouped ? { legend: true, domain: series } : undefined,
      marks,
    });
  }

  function scatter(spec) {
    const grouped = hasSeries(spec.data);
    const xs = spec.data.map((d) => d.x).concat(spec.data.map((d) => d.y));
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const marks = [Plot.ruleX([0], { stroke: "#ccc" }), Plot.ruleY([0], { stroke: "#ccc" })];
    if (spec.diagonal)
      marks.push(
        Plot.line(
          [
            [lo, lo],
            [hi, hi],
          ],
          { stroke: "#888", strokeDasharray: "4,3" },
        ),
      );
    // No text labels on the points: labels of nearby points overlap. A point's label shows on
    // hover (and as its SVG title); the section's table lists every point.
    const title = (d) => `${d.label ?? ""} (${fmt(d.x)}, ${fmt(d.y)})`;
    marks.push(
      Plot.dot(spec.data, { x: "x", y: "y", fill: grouped ? "series" : "#4c78a8", r: 4, title }),
      Plot.tip(spec.data, Plot.pointer({ x: "x", y: "y", title })),
    );
    const side = Math.min(width(), 560);
    return Plot.plot({
      width: side,
      height: side * 0.8,
      grid: true,
      inset: 12,
      x: { label: spec.xLabel ?? null, domain: spec.domain, nice: !spec.domain },
      y: { label: spec.yLabel ?? null, domain: spec.domain, nice: !spec.domain },
      color: grouped ? { legend: true } : undefined,
      marks,
    });
  }

  // Tick labels wrap at about CHARS_PER_LINE characters instead of running off the left edge.
  const CHARS_PER_LINE = 38;

  function wrap(label) {
    const lines = [];
    let line = "";
    for (const word of String(label).split(/\s+/)) {
      if (line && line.length + 1 + word.length > CHARS_PER_LINE) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
    return lines.join("\n");
  }

  function lines(spec) {
    const grouped = hasSeries(spec.data);
    const z = grouped ? "series" : undefined;
    const color = grouped ? "series" : "#4c78a8";
    const points = spec.data.filter((d) => d.y != null);
    const band = spec.data.filter((d) => d.lower != null && d.upper != null);
    const marks = [
      Plot.areaY(band, { x: "x", y1: "lower", y2: "upper", z, fill: color, fillOpacity: 0.15 }),
      Plot.line(points, { x: "x", y: "y", z, stroke: color, strokeWidth: 2 }),
      Plot.dot(points, {
        x: "x",
        y: "y",
        fill: color,
        r: 3,
        title: (d) =>
          `${grouped ? `${d.series} · ` : ""}${fmt(d.x)}: ${fmt(d.y)}` +
          (d.lower != null ? ` [${fmt(d.lower)}, ${fmt(d.upper)}]` : ""),
      }),
    ];
    if (spec.rule != null) marks.unshift(Plot.ruleY([spec.rule], { stroke: "#888", strokeDasharray: "4,3" }));
    return Plot.plot({
      width: Math.min(width(), 720),
      height: 320,
      grid: true,
      x: { label: spec.xLabel ?? null, domain: spec.xDomain },
      y: { label: spec.valueLabel ?? null, domain: spec.domain },
      // Series in the order given, so the same series keeps its colour across a report's plots.
      color: grouped ? { legend: true, domain: [...new Set(spec.data.map((d) => d.series))] } : undefined,
      marks,
    });
  }

  function leftMargin(labels) {
    const longest = Math.max(
      0,
      ...labels.map((l) =>
        Math.max(
          ...wrap(l)
            .split("\n")
            .map((x) => x.length),
        ),
      ),
    );
    return Math.min(260, 16 + 6.2 * longest);
  }

  function labelLines(labels) {
    return Math.max(1, ...labels.map((l) => wrap(l).split("\n").length));
  }

  function labelAxis(scale) {
    const options = { label: null, anchor: "left", tickFormat: wrap, tickSize: scale === "y" ? 6 : 0 };
    return scale === "fy" ? Plot.axisFy(options) : Plot.axisY(options);
  }

  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(3)).toString();
  }

  const draw = { bars, intervals, scatter, lines };
  for (const { slot, spec } of specs) {
    const target = document.getElementById(slot);
    try {
      if (!draw[spec.kind]) throw new Error(`unknown plot kind "${spec.kind}"`);
      target.append(draw[spec.kind](spec));
      target.dataset.drawn = "1";
    } catch (error) {
      target.textContent = `This plot could not be drawn: ${error.message}`;
      console.error(`plot ${slot}: ${error.message}`);
    }
  }
})();
