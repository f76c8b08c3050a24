//! A series as CSV: a row per period and a column per province, or a row per value (`long`).

use super::SeriesResponse;

pub(super) fn csv(response: &SeriesResponse, long: bool) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        if long {
            w.write_record([
                "province_id",
                "period_id",
                "value",
                "level",
                "status",
                "partial",
            ])
            .expect("memory");
            for line in &response.series {
                for p in &line.points {
                    let partial = p.partial.to_string();
                    w.write_record([
                        &line.province_id,
                        &p.period,
                        &number(p.value),
                        &number(p.level),
                        p.status.as_deref().unwrap_or(""),
                        &partial,
                    ])
                    .expect("memory");
                }
            }
        } else {
            let mut header = vec!["period_id".to_owned()];
            header.extend(response.series.iter().map(|l| l.province_id.clone()));
            w.write_record(&header).expect("memory");
            for (i, period) in response.periods.iter().enumerate() {
                let mut row = vec![period.clone()];
                row.extend(response.series.iter().map(|l| number(l.points[i].value)));
                w.write_record(&row).expect("memory");
            }
        }
        w.flush().expect("memory");
    }
    out
}
