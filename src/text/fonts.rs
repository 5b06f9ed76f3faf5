//! Embedded fonts and the cosmic-text font system built from them (no system font scan).

use cosmic_text::{Attrs, Family, FontSystem};
use unicode_script::Script;

/// Noto Naskh Arabic Regular (SIL OFL 1.1, see `assets/fonts/OFL.txt`).
pub static NOTO_NASKH_ARABIC: &[u8] =
    include_bytes!("../../assets/fonts/NotoNaskhArabic-Regular.ttf");
/// Noto Sans Regular, for Latin, Greek, Cyrillic and punctuation (SIL OFL 1.1).
pub static NOTO_SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
/// Noto Sans Hebrew Regular (SIL OFL 1.1).
pub static NOTO_SANS_HEBREW: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf");

/// Family name of the primary (Arabic) face.
pub const ARABIC_FAMILY: &str = "Noto Naskh Arabic";
/// Family name of the Latin face.
pub const LATIN_FAMILY: &str = "Noto Sans";
/// Family name of the Hebrew face.
pub const HEBREW_FAMILY: &str = "Noto Sans Hebrew";

/// Fallback lists that only name the embedded faces, so shaping is identical on every machine.
struct EmbeddedFallback;

impl cosmic_text::Fallback for EmbeddedFallback {
    fn common_fallback(&self) -> &[&'static str] {
        &[LATIN_FAMILY, ARABIC_FAMILY, HEBREW_FAMILY]
    }

    fn forbidden_fallback(&self) -> &[&'static str] {
        &[]
    }

    fn script_fallback(&self, script: Script, _locale: &str) -> &[&'static str] {
        match script {
            Script::Arabic | Script::Syriac | Script::Thaana | Script::Nko => &[ARABIC_FAMILY],
            Script::Hebrew => &[HEBREW_FAMILY],
            _ => &[LATIN_FAMILY],
        }
    }
}

/// Builds a [`FontSystem`] holding only the embedded fonts.
pub fn embedded_font_system() -> FontSystem {
    let mut db = fontdb::Database::new();
    db.load_font_data(NOTO_NASKH_ARABIC.to_vec());
    db.load_font_data(NOTO_SANS.to_vec());
    db.load_font_data(NOTO_SANS_HEBREW.to_vec());
    db.set_sans_serif_family(LATIN_FAMILY);
    db.set_serif_family(ARABIC_FAMILY);
    // The locale only steers cosmic-text's script fallback choice; ours ignores it.
    FontSystem::new_with_locale_and_db_and_fallback("ar".to_owned(), db, EmbeddedFallback)
}

/// Attributes used for document text: Naskh first, the fallback list supplies Latin and Hebrew.
pub fn document_attrs() -> Attrs<'static> {
    Attrs::new().family(Family::Name(ARABIC_FAMILY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_faces_load_from_memory() {
        let fs = embedded_font_system();
        let families: Vec<String> = fs
            .db()
            .faces()
            .flat_map(|f| f.families.iter().map(|(n, _)| n.clone()))
            .collect();
        for want in [ARABIC_FAMILY, LATIN_FAMILY, HEBREW_FAMILY] {
            assert!(
                families.iter().any(|f| f == want),
                "{want} missing from {families:?}"
            );
        }
    }
}
