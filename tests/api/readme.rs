//! The README's curl examples, run against a served database exactly as printed: a reader who
//! pastes them must get answers, not errors.

use crate::helpers::spawn_app;

/// The curl commands of the README's "Asking it things" block, each as shell words.
fn readme_examples() -> Vec<Vec<String>> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("## Asking it things")
        .nth(1)
        .expect("the README has its curl section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the section opens with a shell block");
    block
        .lines()
        .filter(|l| l.starts_with("curl "))
        .map(|line| shlex::split(line).unwrap_or_else(|| panic!("unbalanced quotes: {line}")))
        .collect()
}

/// A curl command line as a request: URL (with `-G --data-urlencode` pairs) and headers.
fn request(words: &[String]) -> (String, Vec<(String, String)>) {
    let mut url = None;
    let mut query: Vec<(String, String)> = Vec::new();
    let mut headers = Vec::new();
    let mut words = words.iter().skip(1);
    while let Some(word) = words.next() {
        match word.as_str() {
            "-G" => {}
            "-o" => {
                words.next();
            }
            "-H" => {
                let header = words.next().expect("-H takes a header");
                let (name, value) = header.split_once(':').expect("Name: value");
                headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            "--data-urlencode" => {
                let pair = words.next().expect("--data-urlencode takes name=value");
                let (name, value) = pair.split_once('=').expect("name=value");
                query.push((name.to_owned(), value.to_owned()));
            }
            "#" => break,
            other if other.starts_with('-') => {
                panic!("the README uses curl flag {other}: teach this test")
            }
            other => url = Some(other.to_owned()),
        }
    }
    let mut url = url.expect("a URL").replacen("localhost:8080", "", 1);
    if !query.is_empty() {
        let encoded = serde_urlencoded::to_string(&query).unwrap();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encoded);
    }
    (url, headers)
}

#[actix_web::test]
async fn every_curl_example_in_the_readme_answers() {
    let app = spawn_app().await;
    let examples = readme_examples();
    assert!(
        examples.len() >= 20,
        "found only {} examples",
        examples.len()
    );
    for words in &examples {
        let (path, headers) = request(words);
        let mut call = app.client.get(format!("{}{path}", app.address));
        for (name, value) in &headers {
            call = call.header(name, value);
        }
        let response = call.send().await.expect("the app answers");
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        assert_eq!(status, 200, "{}\n{body}", words.join(" "));
        assert!(!body.is_empty(), "{}", words.join(" "));
    }
}
