//! The licences an article can carry: all rights reserved, or a Creative Commons licence.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// An article's licence. Codes are lower case SPDX-like identifiers (`cc-by-nd-4.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(try_from = "String", into = "String")]
pub enum License {
    #[default]
    AllRightsReserved,
    Cc0,
    CcBy,
    CcBySa,
    CcByNd,
    CcByNc,
    CcByNcSa,
    CcByNcNd,
}

impl License {
    pub const ALL: [License; 8] = [
        License::AllRightsReserved,
        License::Cc0,
        License::CcBy,
        License::CcBySa,
        License::CcByNd,
        License::CcByNc,
        License::CcByNcSa,
        License::CcByNcNd,
    ];

    /// The stable code stored and written in front matter.
    pub fn code(self) -> &'static str {
        match self {
            License::AllRightsReserved => "all-rights-reserved",
            License::Cc0 => "cc0-1.0",
            License::CcBy => "cc-by-4.0",
            License::CcBySa => "cc-by-sa-4.0",
            License::CcByNd => "cc-by-nd-4.0",
            License::CcByNc => "cc-by-nc-4.0",
            License::CcByNcSa => "cc-by-nc-sa-4.0",
            License::CcByNcNd => "cc-by-nc-nd-4.0",
        }
    }

    /// The licence's full name, for readers.
    pub fn name(self) -> &'static str {
        match self {
            License::AllRightsReserved => "All rights reserved",
            License::Cc0 => "CC0 1.0 Universal (public domain dedication)",
            License::CcBy => "Creative Commons Attribution 4.0 International",
            License::CcBySa => "Creative Commons Attribution-ShareAlike 4.0 International",
            License::CcByNd => "Creative Commons Attribution-NoDerivatives 4.0 International",
            License::CcByNc => "Creative Commons Attribution-NonCommercial 4.0 International",
            License::CcByNcSa => {
                "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International"
            }
            License::CcByNcNd => {
                "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International"
            }
        }
    }

    /// The licence's deed, or `None` for all rights reserved.
    pub fn url(self) -> Option<&'static str> {
        Some(match self {
            License::AllRightsReserved => return None,
            License::Cc0 => "https://creativecommons.org/publicdomain/zero/1.0/",
            License::CcBy => "https://creativecommons.org/licenses/by/4.0/",
            License::CcBySa => "https://creativecommons.org/licenses/by-sa/4.0/",
            License::CcByNd => "https://creativecommons.org/licenses/by-nd/4.0/",
            License::CcByNc => "https://creativecommons.org/licenses/by-nc/4.0/",
            License::CcByNcSa => "https://creativecommons.org/licenses/by-nc-sa/4.0/",
            License::CcByNcNd => "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        })
    }

    /// Does the licence forbid changing the text (no derivatives)?
    pub fn no_derivatives(self) -> bool {
        matches!(self, License::AllRightsReserved | License::CcByNd | License::CcByNcNd)
    }
}

impl fmt::Display for License {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for License {
    type Err = String;

    /// Accepts the codes, case-insensitively, with `cc-by` style short forms and `cc0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        let wanted = wanted.trim_end_matches("-4.0").trim_end_matches("-1.0");
        License::ALL
            .into_iter()
            .find(|l| {
                let code = l.code();
                code == wanted || code.trim_end_matches("-4.0").trim_end_matches("-1.0") == wanted
            })
            .ok_or_else(|| {
                let codes: Vec<_> = License::ALL.iter().map(|l| l.code()).collect();
                format!("unknown licence {s:?}; expected one of {}", codes.join(", "))
            })
    }
}

impl TryFrom<String> for License {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<License> for String {
    fn from(l: License) -> String {
        l.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_short_forms() {
        assert_eq!("cc-by-nd-4.0".parse(), Ok(License::CcByNd));
        assert_eq!("CC BY-SA".parse(), Ok(License::CcBySa));
        assert_eq!("cc0".parse(), Ok(License::Cc0));
        assert_eq!("all-rights-reserved".parse(), Ok(License::AllRightsReserved));
        let err = "gpl".parse::<License>().unwrap_err();
        assert!(err.contains("cc-by-4.0"), "{err}");
    }

    #[test]
    fn every_code_round_trips() {
        for l in License::ALL {
            assert_eq!(l.code().parse(), Ok(l));
        }
    }
}
