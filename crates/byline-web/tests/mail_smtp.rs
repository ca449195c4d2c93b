//! The SMTP path for real: lettre talks to a tiny SMTP server started in the test.

use byline_web::mail::{Mail, Mailer, SmtpSettings, SmtpTls};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Accepts one connection and speaks just enough SMTP to take one message; returns the
/// commands it saw and the message's data.
async fn one_message(listener: TcpListener) -> (Vec<String>, String) {
    let (stream, _) = listener.accept().await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 test.example ESMTP ready\r\n").await.unwrap();
    let (mut commands, mut data) = (Vec::new(), String::new());
    while let Some(line) = lines.next_line().await.unwrap() {
        let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
        commands.push(line.clone());
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-test.example\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await.unwrap();
                while let Some(l) = lines.next_line().await.unwrap() {
                    if l == "." {
                        break;
                    }
                    data.push_str(&l);
                    data.push('\n');
                }
                // The message is taken; lettre may keep the connection for its pool instead
                // of saying QUIT, so the test has all it needs here.
                write.write_all(b"250 queued\r\n").await.unwrap();
                break;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await.unwrap();
                break;
            }
            _ => b"502 not implemented\r\n",
        };
        write.write_all(reply).await.unwrap();
    }
    (commands, data)
}

#[tokio::test]
async fn lettre_delivers_over_smtp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(one_message(listener));
    let mailer = Mailer::smtp(&SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        username: None,
        password: None,
        from: "Newsroom <newsroom@example.org>".into(),
        tls: SmtpTls::None,
    })
    .unwrap();
    mailer
        .send(Mail {
            to: "rita@example.org".into(),
            subject: "Reset your password".into(),
            body:
                "Choose a new password here:\nhttp://test.example/admin/password/reset?token=abc\n"
                    .into(),
            html: None,
        })
        .await
        .expect("sent");
    let (commands, data) =
        tokio::time::timeout(std::time::Duration::from_secs(10), server).await.unwrap().unwrap();
    assert!(
        commands.iter().any(|c| c.starts_with("MAIL FROM:<newsroom@example.org>")),
        "{commands:?}"
    );
    assert!(commands.iter().any(|c| c.starts_with("RCPT TO:<rita@example.org>")), "{commands:?}");
    assert!(data.contains("Subject: Reset your password"), "{data}");
    assert!(data.contains("To: rita@example.org"), "{data}");
    assert!(data.contains("/admin/password/reset?token=abc"), "{data}");
}

#[test]
fn a_bad_sender_is_named() {
    let err = Mailer::smtp(&SmtpSettings {
        host: "127.0.0.1".into(),
        port: 25,
        username: None,
        password: None,
        from: "not an address".into(),
        tls: SmtpTls::None,
    })
    .unwrap_err();
    assert!(err.contains("smtp_from"), "{err}");
}
