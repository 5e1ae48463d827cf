//! Function names and WAVE arguments as people type them (`trellis call`, the app's
//! Invoke), shared by the host and by callers over wRPC.

use wasm_wave::wasm::DisplayType;
use wasmtime::component::{Type, Val};

/// `ns:pkg/iface#name` or `ns:pkg/iface.name` (the function after the last dot: function
/// names have none, versions do) → (interface, function); a bare `name` is a root export.
pub fn split_function(function: &str) -> (Option<&str>, &str) {
    if let Some((iface, func)) = function.split_once('#') {
        return (Some(iface), func);
    }
    match function.rsplit_once('.') {
        Some((iface, func)) if iface.contains('/') => (Some(iface), func),
        _ => (None, function),
    }
}

/// Parses WAVE `texts` as the parameters `params` of `function`; the error names the
/// parameter and the type it expects, or the count expected.
pub fn parse_args<'a>(
    function: &str,
    params: impl ExactSizeIterator<Item = (&'a str, Type)>,
    texts: &[String],
) -> Result<Vec<Val>, String> {
    let params: Vec<(&str, Type)> = params.collect();
    if params.len() != texts.len() {
        let expected: Vec<String> = params
            .iter()
            .map(|(name, ty)| format!("{name}: {}", DisplayType(ty)))
            .collect();
        return Err(format!(
            "{function} takes {} argument(s) ({}), not {}",
            params.len(),
            expected.join(", "),
            texts.len()
        ));
    }
    params
        .iter()
        .zip(texts)
        .map(|((name, ty), text)| {
            wasm_wave::from_str::<Val>(ty, text).map_err(|err| {
                format!(
                    "argument {name} of {function}: expected {}, got {text:?}: {err}",
                    DisplayType(ty)
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::split_function;

    #[test]
    fn function_names_split_at_the_hash_or_the_last_dot() {
        assert_eq!(split_function("add"), (None, "add"));
        assert_eq!(
            split_function("trellis:calc/shapes.manhattan"),
            (Some("trellis:calc/shapes"), "manhattan")
        );
        assert_eq!(
            split_function("wasi:cli/run@0.2.12.run"),
            (Some("wasi:cli/run@0.2.12"), "run")
        );
        assert_eq!(
            split_function("wasi:cli/run@0.2.12#run"),
            (Some("wasi:cli/run@0.2.12"), "run")
        );
    }
}
