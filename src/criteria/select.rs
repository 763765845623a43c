//! What a `--level` means: the one place that turns a level asked (`xa-ntm`, `nang-cao`, `all`,
//! `huyen-ntm`…) into the sets evaluated on commune rows and on district rows, and the set whose verdict
//! answers "does it qualify?". `check`, `diff`, `template` and `ntm test` all ask it.

use super::{CriteriaSet, Level, Version};
use crate::i18n::Text;

/// The sets a run evaluates.
#[derive(Debug, Clone)]
pub struct Selection<'v> {
    /// The commune sets, in chain order: the level asked and its prerequisites (every commune level for
    /// `all`), and the commune sets the district sets require.
    pub communes: Vec<&'v CriteriaSet>,
    /// The district sets, prerequisites first; empty without district data.
    pub districts: Vec<&'v CriteriaSet>,
    /// The commune set whose verdict answers "qualified": the level asked, else the first of the chain.
    pub target: &'v CriteriaSet,
    /// The level asked is a district set: the communes are then context, not the verdict.
    pub district_level: bool,
}

impl<'v> Selection<'v> {
    /// The sets for `level` in `version`; `with_districts` when district data is given.
    pub fn of(version: &'v Version, level: &str, with_districts: bool) -> Result<Self, Text> {
        let district_closure = |id: &str| -> Vec<&'v CriteriaSet> {
            version
                .closure(id)
                .into_iter()
                .filter(|s| s.level == Level::District)
                .collect()
        };
        let all_districts = || {
            let mut out: Vec<&'v CriteriaSet> = Vec::new();
            for d in version.sets.iter().filter(|s| s.level == Level::District) {
                for s in district_closure(&d.id) {
                    if !out.iter().any(|o| o.id == s.id) {
                        out.push(s);
                    }
                }
            }
            out
        };
        let every_district = || {
            if with_districts {
                all_districts()
            } else {
                Vec::new()
            }
        };
        let asked = version.set(level);
        let (wanted, districts) = match asked {
            _ if level == "all" => (version.commune_chain(), every_district()),
            Some(s) if s.level == Level::Commune => (version.closure(&s.id), every_district()),
            Some(s) if with_districts => (Vec::new(), district_closure(&s.id)),
            Some(s) => {
                return Err(Text::new(
                    format!("mức «{}» là bộ cấp huyện: cần --districts TỆP_HUYỆN", s.id),
                    format!(
                        "level «{}» is a district set: it needs --districts DISTRICT_FILE",
                        s.id
                    ),
                ));
            }
            None => {
                let chain = version.commune_chain();
                let ids: Vec<&str> = chain.iter().map(|s| s.id.as_str()).collect();
                let districts = all_districts();
                let dids: Vec<&str> = districts.iter().map(|s| s.id.as_str()).collect();
                let (v, ids, dids) = (&version.id, ids.join(", "), dids.join(", "));
                let with = if dids.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("; với --districts: {dids}"),
                        format!("; with --districts: {dids}"),
                    )
                };
                return Err(Text::new(
                    format!(
                        "mức «{level}» không phải bộ tiêu chí của {v} (có: {ids}, all{})",
                        with.0
                    ),
                    format!(
                        "level «{level}» is not a set of {v} (there are: {ids}, all{})",
                        with.1
                    ),
                ));
            }
        };
        if with_districts && districts.is_empty() {
            return Err(Text::new(
                format!(
                    "phiên bản tiêu chí {} không có bộ cấp huyện nào",
                    version.id
                ),
                format!("the criteria version {} has no district set", version.id),
            ));
        }
        // The commune sets: those asked, and what the district sets require, in chain order.
        let mut needed: Vec<&str> = wanted.iter().map(|s| s.id.as_str()).collect();
        for r in districts.iter().flat_map(|d| d.requires.iter()) {
            for s in version
                .closure(r)
                .into_iter()
                .filter(|s| s.level == Level::Commune)
            {
                if !needed.contains(&s.id.as_str()) {
                    needed.push(&s.id);
                }
            }
        }
        let communes: Vec<&'v CriteriaSet> = version
            .commune_chain()
            .into_iter()
            .filter(|s| needed.contains(&s.id.as_str()))
            .collect();
        let target = match asked {
            Some(s) if s.level == Level::Commune => Some(s),
            _ => communes.first().copied(),
        };
        let target = target.ok_or_else(|| {
            Text::new(
                "phiên bản tiêu chí không có bộ cấp xã nào",
                "the criteria version has no commune set",
            )
        })?;
        Ok(Selection {
            communes,
            districts,
            target,
            district_level: asked.is_some_and(|s| s.level == Level::District),
        })
    }

    /// The set asked for when it is a district set.
    pub fn district_target(&self) -> Option<&'v CriteriaSet> {
        self.districts.last().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::catalog::Catalog;

    fn ids(sets: &[&CriteriaSet]) -> Vec<String> {
        sets.iter().map(|s| s.id.clone()).collect()
    }

    #[test]
    fn each_level_selects_its_chain_and_target() {
        let catalog = Catalog::bundled().unwrap();
        let v = &catalog.versions[0];
        let all = Selection::of(v, "all", false).unwrap();
        assert_eq!(ids(&all.communes), ["xa-ntm", "nang-cao", "kieu-mau"]);
        assert!(all.districts.is_empty());
        assert_eq!(all.target.id, "xa-ntm");
        let nc = Selection::of(v, "nang-cao", true).unwrap();
        assert_eq!(ids(&nc.communes), ["xa-ntm", "nang-cao"]);
        assert_eq!(ids(&nc.districts), ["huyen-ntm"]);
        assert_eq!(nc.target.id, "nang-cao");
        let d = Selection::of(v, "huyen-ntm", true).unwrap();
        assert!(d.district_level);
        assert_eq!(ids(&d.communes), ["xa-ntm", "nang-cao"]);
        assert_eq!(d.target.id, "xa-ntm");
        let err = Selection::of(v, "huyen-ntm", false).unwrap_err();
        assert!(err.en.contains("needs --districts"));
        let err = Selection::of(v, "nang-cau", false).unwrap_err();
        assert!(
            err.en
                .contains("there are: xa-ntm, nang-cao, kieu-mau, all")
        );
    }
}
