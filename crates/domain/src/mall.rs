//! The points mall (积分商城): items bought with points, with stock and a per-person limit.
//! The rules here are the checks a redemption must pass; the database makes them hold under
//! concurrency (conditional updates in one transaction).

use crate::error::{FieldError, FieldErrors};

/// The longest item name and description kept.
pub const NAME_MAX: usize = 60;
pub const DESCRIPTION_MAX: usize = 500;

/// An item as an administrator submits it, already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSpec {
    pub name: String,
    pub description: String,
    pub price: i64,
    pub stock: i64,
    /// Most units one person may redeem; at least 1.
    pub per_person_limit: i64,
}

/// Checks an item: a name, a positive price, stock not negative, a limit of at least one.
pub fn check_item(
    name: &str,
    description: &str,
    price: i64,
    stock: i64,
    per_person_limit: i64,
) -> Result<ItemSpec, FieldErrors> {
    let mut errs = FieldErrors::default();
    let name = name.trim();
    if name.is_empty() {
        errs.push(FieldError::new("field.item_name", "error.required"));
    } else if name.chars().count() > NAME_MAX {
        errs.push(FieldError::new("field.item_name", "mall.error.too_long").with("max", NAME_MAX));
    }
    let description = description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        errs.push(
            FieldError::new("field.item_description", "mall.error.too_long")
                .with("max", DESCRIPTION_MAX),
        );
    }
    if price <= 0 {
        errs.push(FieldError::new("field.item_price", "mall.error.price"));
    }
    if stock < 0 {
        errs.push(FieldError::new(
            "field.item_stock",
            "mall.error.negative_stock",
        ));
    }
    if per_person_limit < 1 {
        errs.push(FieldError::new("field.item_limit", "mall.error.limit"));
    }
    errs.into_result()?;
    Ok(ItemSpec {
        name: name.to_string(),
        description: description.to_string(),
        price,
        stock,
        per_person_limit,
    })
}

/// Why a redemption is refused: a stable code, also the catalogue key `error.<code>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("sold_out")]
    SoldOut,
    #[error("insufficient_points")]
    InsufficientPoints,
    #[error("limit_reached")]
    LimitReached,
    #[error("item_inactive")]
    Inactive,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::SoldOut => "sold_out",
            Self::InsufficientPoints => "insufficient_points",
            Self::LimitReached => "limit_reached",
            Self::Inactive => "item_inactive",
        }
    }
}

/// May a person with `balance` points, who already holds `already` units, take one more?
/// Points never go negative and the per-person limit counts every redemption not cancelled.
pub fn may_redeem(balance: i64, price: i64, already: i64, limit: i64) -> Result<(), Refusal> {
    if already >= limit {
        return Err(Refusal::LimitReached);
    }
    if balance < price {
        return Err(Refusal::InsufficientPoints);
    }
    Ok(())
}

/// Fulfilment of a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Fulfilled,
    Cancelled,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Fulfilled => "fulfilled",
            Self::Cancelled => "cancelled",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Pending, Self::Fulfilled, Self::Cancelled]
            .into_iter()
            .find(|x| x.code() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_enough_points_redeem_and_one_short_does_not() {
        assert_eq!(may_redeem(50, 50, 0, 1), Ok(()));
        assert_eq!(may_redeem(49, 50, 0, 1), Err(Refusal::InsufficientPoints));
    }

    #[test]
    fn the_limit_counts_what_is_already_held() {
        assert_eq!(may_redeem(500, 50, 1, 2), Ok(()));
        assert_eq!(may_redeem(500, 50, 2, 2), Err(Refusal::LimitReached));
    }

    #[test]
    fn negative_stock_a_free_item_and_a_zero_limit_are_refused_naming_the_field() {
        let e = check_item("保温杯", "", 0, -1, 0).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            vec!["field.item_price", "field.item_stock", "field.item_limit"]
        );
        assert!(
            check_item("保温杯", "", 1, 0, 1).is_ok(),
            "stock 0 is allowed (sold out)"
        );
    }
}
