//! The size-against-speed chart: one point per allocator, bytes of the `full` probe on a
//! logarithmic x axis, speed-up over std's dlmalloc on the y axis. The frontier is up and left.

/// One allocator on the chart.
pub struct Point {
    pub label: &'static str,
    pub bytes: u64,
    /// Geometric mean speed-up over the baseline.
    pub speedup: f64,
    pub ours: bool,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

pub fn svg(points: &[Point], environment: &str) -> String {
    let (x_min, x_max) = (500f64.ln(), 10_000f64.ln());
    let y_max = points
        .iter()
        .map(|p| p.speedup)
        .fold(1.0, f64::max)
        .max(1.0)
        * 1.15;
    let x = |bytes: u64| {
        LEFT + ((bytes as f64).ln() - x_min) / (x_max - x_min) * (WIDTH - LEFT - RIGHT)
    };
    let y = |speedup: f64| HEIGHT - BOTTOM - speedup / y_max * (HEIGHT - TOP - BOTTOM);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"{LEFT}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Size against speed: wasm allocators</text>\n"
    );
    // Axes, grid and ticks.
    let (x0, y0) = (LEFT, HEIGHT - BOTTOM);
    out.push_str(&format!(
        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{}\" y2=\"{y0}\" stroke=\"black\"/>\n<line x1=\"{x0}\" y1=\"{TOP}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"black\"/>\n",
        WIDTH - RIGHT
    ));
    for bytes in [500u64, 1_000, 2_000, 5_000, 10_000] {
        let px = x(bytes);
        out.push_str(&format!(
            "<line x1=\"{px:.1}\" y1=\"{TOP}\" x2=\"{px:.1}\" y2=\"{y0}\" stroke=\"#ddd\"/>\n<text x=\"{px:.1}\" y=\"{}\" text-anchor=\"middle\">{bytes}</text>\n",
            y0 + 16.0
        ));
    }
    let mut tick = 0.0;
    while tick <= y_max {
        let py = y(tick);
        out.push_str(&format!(
            "<line x1=\"{x0}\" y1=\"{py:.1}\" x2=\"{}\" y2=\"{py:.1}\" stroke=\"#ddd\"/>\n<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick:.1}×</text>\n",
            WIDTH - RIGHT,
            x0 - 6.0,
            py + 4.0
        ));
        tick += 0.5;
    }
    out.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">bytes of the `full` probe module (log scale; smaller is better)</text>\n",
        (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 28.0
    ));
    out.push_str(&format!(
        "<text transform=\"translate(18,{:.1}) rotate(-90)\" text-anchor=\"middle\">speed-up over std's dlmalloc (geometric mean)</text>\n",
        (TOP + HEIGHT - BOTTOM) / 2.0
    ));
    // Labels right of their point, or left in the right half; a label that would land on an
    // earlier one moves below its point.
    // Each label's box: (left, right, baseline).
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for p in points {
        let (px, py) = (x(p.bytes), y(p.speedup));
        let color = if p.ours { "#d62728" } else { "#1f77b4" };
        let text = format!("{} ({} B, {:.2}×)", p.label, p.bytes, p.speedup);
        let width = text.chars().count() as f64 * 6.6;
        let right_half = px > (LEFT + WIDTH - RIGHT) / 2.0;
        let (lx, anchor) = if right_half {
            (px - 8.0, "end")
        } else {
            (px + 8.0, "start")
        };
        let (left, right) = if right_half {
            (lx - width, lx)
        } else {
            (lx, lx + width)
        };
        let mut ly = py - 7.0;
        while placed
            .iter()
            .any(|&(l, r, oy)| l < right && left < r && (oy - ly).abs() < 14.0)
        {
            ly += 16.0;
        }
        placed.push((left, right, ly));
        out.push_str(&format!(
            "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"5\" fill=\"{color}\"/>\n<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\" fill=\"{color}\">{text}</text>\n"
        ));
    }
    out.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"{}\" font-size=\"10\" fill=\"#555\">{}</text>\n</svg>\n",
        HEIGHT - 8.0,
        environment.replace('&', "&amp;").replace('<', "&lt;")
    ));
    out
}
